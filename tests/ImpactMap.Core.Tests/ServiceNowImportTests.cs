using ImpactMap.Core.Engine;
using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>
/// ServiceNow CMDB list exports, written by hand in the shape of cmdb_ci and cmdb_rel_ci exports (ServiceNow
/// publishes no example export files); the relation examples are those of ServiceNow's own documentation of
/// relationship types ("the Tomcat application depends on the MySQL database", "my database application runs on server001").
/// </summary>
public class ServiceNowImportTests
{
    private const string Cis = """
        sys_id,name,sys_class_name,operational_status,sys_updated_on,environment
        0f1e2d3c4b5a69788796a5b4c3d2e1f0,Online banking,cmdb_ci_service_auto,1,2026-11-30 10:00:00,Production
        1a2b3c4d5e6f708192a3b4c5d6e7f809,Tomcat,cmdb_ci_app_server_tomcat,1,2026-11-30 10:00:00,Production
        2b3c4d5e6f708192a3b4c5d6e7f8091a,MySQL,cmdb_ci_db_mysql_instance,1,2026-11-30 10:00:00,Production
        3c4d5e6f708192a3b4c5d6e7f8091a2b,server001,cmdb_ci_linux_server,1,2026-11-30 10:00:00,Production
        4d5e6f708192a3b4c5d6e7f8091a2b3c,DB cluster,cmdb_ci_cluster,1,2026-11-30 10:00:00,Production
        5e6f708192a3b4c5d6e7f8091a2b3c4d,db-node-a,cmdb_ci_linux_server,1,2026-11-30 10:00:00,Production
        6f708192a3b4c5d6e7f8091a2b3c4d5e,db-node-b,cmdb_ci_linux_server,1,2026-11-30 10:00:00,Production
        708192a3b4c5d6e7f8091a2b3c4d5e6f,Datacenter Amsterdam,cmdb_ci_datacenter,1,2026-11-30 10:00:00,Production
        8192a3b4c5d6e7f8091a2b3c4d5e6f70,Payments,cmdb_ci_business_app,1,2026-11-30 10:00:00,Production
        """;

    private const string Relations = """
        parent,type,child
        0f1e2d3c4b5a69788796a5b4c3d2e1f0,Depends on::Used by,1a2b3c4d5e6f708192a3b4c5d6e7f809
        1a2b3c4d5e6f708192a3b4c5d6e7f809,Depends on::Used by,2b3c4d5e6f708192a3b4c5d6e7f8091a
        1a2b3c4d5e6f708192a3b4c5d6e7f809,Runs on::Runs,3c4d5e6f708192a3b4c5d6e7f8091a2b
        2b3c4d5e6f708192a3b4c5d6e7f8091a,Hosted on::Hosts,4d5e6f708192a3b4c5d6e7f8091a2b3c
        4d5e6f708192a3b4c5d6e7f8091a2b3c,Members::Member of,5e6f708192a3b4c5d6e7f8091a2b3c4d
        4d5e6f708192a3b4c5d6e7f8091a2b3c,Members::Member of,6f708192a3b4c5d6e7f8091a2b3c4d5e
        8192a3b4c5d6e7f8091a2b3c4d5e6f70,Uses::Used by,0f1e2d3c4b5a69788796a5b4c3d2e1f0
        708192a3b4c5d6e7f8091a2b3c4d5e6f,Contains::Contained by,3c4d5e6f708192a3b4c5d6e7f8091a2b
        3c4d5e6f708192a3b4c5d6e7f8091a2b,Located in::Houses,708192a3b4c5d6e7f8091a2b3c4d5e6f
        """;

    private const string Tomcat = "1a2b3c4d5e6f708192a3b4c5d6e7f809";
    private const string Mysql = "2b3c4d5e6f708192a3b4c5d6e7f8091a";
    private const string Cluster = "4d5e6f708192a3b4c5d6e7f8091a2b3c";
    private const string NodeA = "5e6f708192a3b4c5d6e7f8091a2b3c4d";
    private const string NodeB = "6f708192a3b4c5d6e7f8091a2b3c4d5e";
    private const string Banking = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string Payments = "8192a3b4c5d6e7f8091a2b3c4d5e6f70";
    private const string Server = "3c4d5e6f708192a3b4c5d6e7f8091a2b";

    private static ImportResult Import(params (string Name, string Text)[] files) =>
        ImportPlan.Apply(null, ServiceNowImport.Read(files), merge: false, prune: false);

    [Test]
    public void Dependency_types_point_from_parent_to_child_and_other_types_are_counted()
    {
        var result = Import(("cmdb_ci.csv", Cis), ("cmdb_rel_ci.csv", Relations));
        var graph = result.Graph;

        Assert.That(graph.Dependencies.Select(d => (d.From, d.To, d.Group)), Is.EquivalentTo(new (string, string, string?)[]
        {
            (Banking, Tomcat, null), (Tomcat, Mysql, null), (Tomcat, Server, null), (Mysql, Cluster, null),
            (Cluster, NodeA, ServiceNowImport.MembersGroup), (Cluster, NodeB, ServiceNowImport.MembersGroup), (Payments, Banking, null),
        }));
        Assert.That(result.Skipped, Is.EquivalentTo(new Dictionary<string, int> { ["Contains::Contained by"] = 1, ["Located in::Houses"] = 1 }));
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(graph.FindNode(Cluster)!.Groups, Is.EquivalentTo(new Dictionary<string, int> { [ServiceNowImport.MembersGroup] = 1 }));
    }

    [Test]
    public void Ids_are_sys_ids_names_are_names_and_classes_give_kinds()
    {
        var graph = Import(("cmdb_ci.csv", Cis)).Graph;

        Assert.That(graph.Nodes.Select(n => (n.Name, n.Kind)), Is.EquivalentTo(new[]
        {
            ("Online banking", Node.Service), ("Tomcat", "app-server-tomcat"), ("MySQL", "db-mysql-instance"), ("server001", "linux-server"),
            ("DB cluster", "cluster"), ("db-node-a", "linux-server"), ("db-node-b", "linux-server"), ("Datacenter Amsterdam", "datacenter"),
            ("Payments", Node.Service),
        }));
        Assert.That(graph.FindNode(Tomcat)!.Attributes, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["class"] = "cmdb_ci_app_server_tomcat", ["operational_status"] = "1", ["environment"] = "Production",
        }), "the record's own bookkeeping (sys_updated_on) is left out");
    }

    [TestCase("cmdb_ci_service", "service")]
    [TestCase("cmdb_ci_service_discovered", "service")]
    [TestCase("Business Application", "service")]
    [TestCase("Application Service", "service")]
    [TestCase("cmdb_ci_win_server", "win-server")]
    [TestCase("Linux Server", "linux-server")]
    [TestCase("cmdb_ci", "ci")]
    [TestCase("u_custom_class", "u-custom-class")]
    [TestCase("???", "ci")]
    public void Class_names_and_labels_make_valid_kinds(string className, string kind) =>
        Assert.That(ServiceNowImport.KindOf(className), Is.EqualTo(kind));

    [Test]
    public void A_member_down_leaves_the_cluster_up_and_both_down_takes_the_chain_down()
    {
        var graph = Import(("cmdb_ci.csv", Cis), ("cmdb_rel_ci.csv", Relations)).Graph;
        var engine = new PropagationEngine(graph);

        var one = engine.Impact(new ImpactQuery([new Outage(NodeA)]));
        Assert.That(one.Affected.Select(a => a.Id), Is.EquivalentTo(new[] { Cluster, Mysql, Tomcat, Banking, Payments }));
        Assert.That(one.Affected.Select(a => a.State), Is.All.EqualTo(NodeState.AtRisk), "one member left: the cluster and all above it run on its last fallback");
        var both = engine.Impact(new ImpactQuery([new Outage(NodeA), new Outage(NodeB)]));
        Assert.That(both.Affected.Where(a => a.State == NodeState.Down).Select(a => a.Id), Is.EquivalentTo(new[] { Cluster, Mysql, Tomcat, Banking, Payments }));
    }

    [Test]
    public void A_list_export_with_display_names_is_read_by_name()
    {
        const string cis = """
            name,sys_class_name
            Tomcat,Application Server
            MySQL,MySQL Instance
            MySQL,MySQL Instance
            server001,Linux Server
            """;
        const string relations = """
            "parent","type","child"
            "Tomcat","Depends on::Used by","MySQL"
            "Tomcat","Runs on::Runs","server001"
            "MySQL","Runs on::Runs","server001"
            """;

        var result = Import(("cmdb_ci_list.csv", cis), ("cmdb_rel_ci_list.csv", relations));

        Assert.That(result.Graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EquivalentTo(new[] { "Tomcat->MySQL", "Tomcat->server001", "MySQL->server001" }));
        Assert.That(result.Graph.FindNode("server001")!.Kind, Is.EqualTo("linux-server"));
        Assert.That(result.Warnings.Select(w => (w.Code, w.Source)), Is.EqualTo(new[] { ("duplicate", "cmdb_ci_list.csv:4") }),
            "without sys_ids a name is the id: the second MySQL is the same CI again");
    }

    [Test]
    public void Ambiguous_names_resolve_to_the_first_ci_when_sys_ids_tell_them_apart()
    {
        const string cis = """
            sys_id,name,sys_class_name
            aaaa0000aaaa0000aaaa0000aaaa0001,web,cmdb_ci_linux_server
            aaaa0000aaaa0000aaaa0000aaaa0002,web,cmdb_ci_linux_server
            aaaa0000aaaa0000aaaa0000aaaa0003,shop,cmdb_ci_service
            """;
        const string relations = """
            parent,type,child
            shop,Depends on::Used by,web
            shop,Runs on::Runs,web
            """;

        var result = Import(("cmdb_ci.csv", cis), ("cmdb_rel_ci.csv", relations));

        Assert.That(result.Graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EqualTo(new[] { "aaaa0000aaaa0000aaaa0000aaaa0003->aaaa0000aaaa0000aaaa0000aaaa0001" }));
        Assert.That(result.Warnings.Select(w => w.Code), Is.EquivalentTo(new[] { "ambiguous-name", "duplicate" }),
            "one warning per ambiguous name, not per use; the second relationship between the same two CIs is a duplicate");
    }

    [Test]
    public void Dot_walked_columns_self_references_and_dangling_ends_are_handled()
    {
        const string cis = """
            sys_id,name
            c1,One
            c2,Two
            """;
        const string relations = """
            parent.sys_id,type.name,child.sys_id
            c1,Depends on::Used by,c2
            c1,Depends on::Used by,c1
            c2,Depends on::Used by,c9
            c9,Members::Member of,c1
            """;

        var result = Import(("ci.csv", cis), ("rel.csv", relations));

        Assert.That(result.Graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EqualTo(new[] { "c1->c2" }));
        Assert.That(result.Graph.FindNode("c1")!.Kind, Is.EqualTo("ci"), "no class column: the base class");
        Assert.That(result.Warnings.Select(w => (w.Code, w.Source)), Is.EquivalentTo(new[]
        {
            ("self-reference", "rel.csv:3"), ("dangling-reference", "dependency:c2->c9"), ("dangling-reference", "rel.csv:5"),
        }));
    }

    [Test]
    public void A_file_that_is_neither_export_is_refused_naming_it()
    {
        var e = Assert.Throws<UnreadableFileException>(() => ServiceNowImport.Read([("cmdb.csv", "a,b\n1,2\n")]));
        Assert.That(e!.File, Is.EqualTo("cmdb.csv"));
        Assert.That(e.Problem, Does.Contain("cmdb_rel_ci"));
    }
}
