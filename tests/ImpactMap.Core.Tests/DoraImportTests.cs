using ImpactMap.Core.Engine;
using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>
/// A DORA register of information as the EBA's xBRL-CSV report package lays it out (one CSV per template, columns
/// by code), written by hand: the EBA's sample packages are not reachable from here, so the column codes and
/// closed-list codes follow the ITS on the register of information and the EBA's DPM.
/// </summary>
public class DoraImportTests
{
    private const string Bank = "529900T8BM49AURSDO55";
    private const string Cloud = "5493001KJTIIGC8Y1R12";
    private const string Saas = "213800D1EI4B9WTWWD28";
    private const string Datacentre = "894500WOTA5040KBCD36";

    private static readonly (string Name, string Text)[] Register =
    [
        ("reports/b_01.02.csv", $"""
            c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110
            {Bank},Example Bank N.V.,eba_GA:NL,eba_CT:x12,eba_RP:x53,{Bank},2026-11-30,2020-01-01,9999-12-31,eba_CU:EUR,1000000000
            """),
        ("reports/b_05.01.csv", $"""
            c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120
            {Cloud},eba_qCO:qx2000,,,Example Cloud Ltd,,eba_CT:x212,eba_GA:IE,eba_CU:EUR,250000,{Cloud},eba_qCO:qx2000
            {Saas},eba_qCO:qx2000,,,Example Payments SaaS B.V.,,eba_CT:x212,eba_GA:NL,eba_CU:EUR,90000,{Saas},eba_qCO:qx2000
            {Datacentre},eba_qCO:qx2000,,,Example Datacentre GmbH,,eba_CT:x212,eba_GA:DE,eba_CU:EUR,,{Datacentre},eba_qCO:qx2000
            """),
        ("reports/b_06.01.csv", $"""
            c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100
            F1,eba_TA:x185,Payments,{Bank},eba_BT:x28,Customers cannot pay,2026-06-30,4,1,eba_ZZ:x793
            F2,eba_TA:x185,Marketing,{Bank},eba_BT:x29,,2026-06-30,72,24,eba_ZZ:x791
            """),
        ("reports/b_02.02.csv", $"""
            c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120,c0130,c0140,c0150,c0160,c0170,c0180
            ARR-001,{Bank},{Saas},eba_qCO:qx2000,F1,eba_TA:S19,2024-01-01,9999-12-31,,90,180,eba_GA:NL,eba_GA:NL,eba_BT:x28,eba_GA:NL,eba_GA:NL,eba_ZZ:x793,eba_ZZ:x797
            ARR-002,{Bank},{Cloud},eba_qCO:qx2000,F2,eba_TA:S17,2024-01-01,9999-12-31,,90,180,eba_GA:IE,eba_GA:IE,eba_BT:x28,eba_GA:IE,eba_GA:IE,eba_ZZ:x791,eba_ZZ:x795
            ARR-002,{Bank},{Cloud},eba_qCO:qx2000,F1,eba_TA:S17,2024-01-01,9999-12-31,,90,180,eba_GA:IE,eba_GA:IE,eba_BT:x28,eba_GA:IE,eba_GA:IE,eba_ZZ:x791,eba_ZZ:x796
            """),
        ("reports/b_05.02.csv", $"""
            c0010,c0020,c0030,c0040,c0050,c0060,c0070
            ARR-001,eba_TA:S19,{Saas},eba_qCO:qx2000,1,,
            ARR-001,eba_TA:S19,{Cloud},eba_qCO:qx2000,2,{Saas},eba_qCO:qx2000
            ARR-001,eba_TA:S19,{Datacentre},eba_qCO:qx2000,3,{Cloud},eba_qCO:qx2000
            """),
        ("reports/b_07.01.csv", $"""
            c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120
            ARR-001,{Saas},eba_qCO:qx2000,eba_TA:S19,eba_ZZ:x960,eba_ZZ:x964,2026-03-01,eba_BT:x28,eba_ZZ:x966,eba_ZZ:x793,eba_BT:x28,Other Payments SaaS
            ARR-009,{Saas},eba_qCO:qx2000,eba_TA:S19,eba_ZZ:x962,,2026-03-01,eba_BT:x28,,eba_ZZ:x791,eba_BT:x29,
            """),
        ("reports/b_01.01.csv", "c0010,c0020,c0030,c0040,c0050,c0060\n" + Bank + ",eba_GA:NL,eba_CT:x12,eba_GA:NL,2026-12-31,eba_CU:EUR\n"),
        ("reports/parameters.csv", "name,value\nentityID,rs:" + Bank + ".CON\nrefPeriod,2026-12-31\n"),
        ("META-INF/reportPackage.json", """{"documentInfo": {"documentType": "https://xbrl.org/report-package/2023"}}"""),
    ];

    private static ImportResult Import(params (string Name, string Text)[] files) =>
        ImportPlan.Apply(null, DoraImport.Read(files), merge: false, prune: false);

    [Test]
    public void Entities_functions_services_and_providers_are_nodes_tied_in_the_direction_of_need()
    {
        var result = Import(Register);
        var graph = result.Graph;

        Assert.That(graph.Nodes.Select(n => (n.Id, n.Kind)), Is.EquivalentTo(new[]
        {
            ($"entity:{Bank}", Node.Customer), (Cloud, Node.Supplier), (Saas, Node.Supplier), (Datacentre, Node.Supplier),
            ("function:F1", "function"), ("function:F2", "function"), ("ict:ARR-001:eba_TA:S19", Node.Service), ("ict:ARR-002:eba_TA:S17", Node.Service),
        }));
        Assert.That(graph.Dependencies.Select(d => (d.From, d.To, d.Effect)), Is.EquivalentTo(new[]
        {
            ("ict:ARR-001:eba_TA:S19", Saas, NodeState.Down), ($"entity:{Bank}", "ict:ARR-001:eba_TA:S19", NodeState.Down), ("function:F1", "ict:ARR-001:eba_TA:S19", NodeState.Down),
            ("ict:ARR-002:eba_TA:S17", Cloud, NodeState.Down), ($"entity:{Bank}", "ict:ARR-002:eba_TA:S17", NodeState.Degraded),
            ("function:F2", "ict:ARR-002:eba_TA:S17", NodeState.AtRisk), ("function:F1", "ict:ARR-002:eba_TA:S17", NodeState.Degraded),
            (Saas, Cloud, NodeState.Down), (Cloud, Datacentre, NodeState.Down),
        }), "full reliance: down; material: degraded; low: at risk; the entity takes the strongest reliance of its functions; rank 2 and 3 follow the recipient");
        Assert.That(graph.FindNode($"entity:{Bank}")!.Name, Is.EqualTo("Example Bank N.V."));
        Assert.That(graph.FindNode(Saas)!.Name, Is.EqualTo("Example Payments SaaS B.V."));
        Assert.That(graph.FindNode("ict:ARR-001:eba_TA:S19")!.Name, Is.EqualTo("Cloud services: SaaS (ARR-001)"));
    }

    [Test]
    public void Criticality_rto_and_the_assessment_are_attributes_in_the_EBAs_words()
    {
        var result = Import(Register);
        var graph = result.Graph;

        var payments = graph.FindNode("function:F1")!;
        Assert.That((payments.Name, payments.Attributes["critical"], payments.Attributes["rto-hours"], payments.Attributes["discontinuing-impact"]),
            Is.EqualTo(("Payments", "yes", "4", "high")));
        Assert.That(graph.FindNode("function:F2")!.Attributes["critical"], Is.EqualTo("no"));
        var saas = graph.FindNode("ict:ARR-001:eba_TA:S19")!.Attributes;
        Assert.That((saas["substitutability"], saas["not-substitutable-because"], saas["alternative-providers"], saas["alternative-provider"], saas["exit-plan"]),
            Is.EqualTo(("highly complex", "difficulties in migrating or reintegrating", "yes", "Other Payments SaaS", "yes")));
        Assert.That(saas["data-sensitiveness"], Is.EqualTo("high"));
        Assert.That(result.Warnings.Select(w => (w.Code, w.Source)), Is.EqualTo(new[] { ("dangling-reference", "reports/b_07.01.csv:3") }),
            "an assessment of an arrangement the register does not list");
        Assert.That(result.Skipped, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["B_01.01"] = 1, ["files"] = 2, ["rank-1 supply chain rows"] = 1, ["assessments"] = 1,
        }));
    }

    [Test]
    public void The_datacentre_of_the_cloud_under_the_saas_takes_the_payments_function_and_the_bank_down()
    {
        var graph = Import(Register).Graph;

        var hit = new PropagationEngine(graph).Impact(new ImpactQuery([new Outage(Datacentre)]));

        Assert.That(hit.Affected.Select(a => (a.Id, a.State)), Is.EquivalentTo(new[]
        {
            (Cloud, NodeState.Down), (Saas, NodeState.Down), ("ict:ARR-001:eba_TA:S19", NodeState.Down), ("ict:ARR-002:eba_TA:S17", NodeState.Down),
            ("function:F1", NodeState.Down), ("function:F2", NodeState.AtRisk), ($"entity:{Bank}", NodeState.Down),
        }), "the customer of the customer of the customer: three ranks down the supply chain");
    }

    [Test]
    public void An_unknown_level_of_reliance_is_a_warning_and_read_as_full()
    {
        var graph = DoraImport.Read([("b_02.02.csv", $"c0010,c0020,c0030,c0050,c0060,c0180\nA1,{Bank},{Saas},F1,eba_TA:S19,eba_ZZ:x123\n")]);

        Assert.That(graph.Warnings.Select(w => (w.Code, w.Source)), Is.EqualTo(new[] { ("unknown-code", "b_02.02.csv:2") }));
        Assert.That(graph.Dependencies.Where(d => d.To == "ict:A1:eba_TA:S19").Select(d => d.Effect), Is.All.Null, "not stated: a dependency's default, down");
    }

    [Test]
    public void A_row_without_its_key_is_skipped_and_a_table_without_codes_is_refused()
    {
        var read = DoraImport.Read([("b_05.01.csv", "c0010,c0050\n,Nameless Ltd\n")]);
        Assert.That(read.Warnings.Select(w => (w.Code, w.Source)), Is.EqualTo(new[] { ("missing-field", "b_05.01.csv:2") }));

        var e = Assert.Throws<UnreadableFileException>(() => DoraImport.Read([("b_05.01.csv", "LEI,Name\nX,Y\n")]));
        Assert.That((e!.File, e.Line), Is.EqualTo(("b_05.01.csv", 1)));
    }
}
