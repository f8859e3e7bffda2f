using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>CycloneDX SaaSBOMs, written by hand in the shape of the CycloneDX project's SaaSBOM examples.</summary>
public class CycloneDxImportTests
{
    private const string SaasBom = """
        {
          "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
          "metadata": {"component": {"bom-ref": "acme-application", "type": "application", "name": "Acme Application", "supplier": {"name": "Acme Inc"}}},
          "services": [
            {"bom-ref": "api-gateway", "provider": {"name": "Acme Inc"}, "group": "com.example", "name": "API Gateway", "version": "v2",
             "services": [
               {"bom-ref": "ms-1.example.com", "provider": {"name": "Acme Inc"}, "name": "Microservice 1"},
               {"bom-ref": "ms-2.example.com", "provider": {"name": "Acme Inc"}, "name": "Microservice 2"}
             ]},
            {"bom-ref": "stock-ticker-service", "provider": {"name": "Stock Ticker Service Provider", "url": ["https://example.com"]}, "name": "Stock Ticker Service"}
          ],
          "components": [{"bom-ref": "pkg:npm/acme/web@1.0", "type": "library", "name": "web"}],
          "dependencies": [
            {"ref": "acme-application", "dependsOn": ["api-gateway"]},
            {"ref": "api-gateway", "dependsOn": ["ms-1.example.com", "ms-2.example.com"]},
            {"ref": "ms-1.example.com", "dependsOn": ["stock-ticker-service"]},
            {"ref": "ms-2.example.com", "dependsOn": ["pkg:npm/acme/web@1.0"]}
          ],
          "compositions": [{"aggregate": "incomplete", "dependencies": ["ms-2.example.com"]}]
        }
        """;

    [Test]
    public void Services_nest_flat_third_party_providers_become_suppliers_and_dependencies_point_the_right_way()
    {
        var imported = CycloneDxImport.Read([("saasbom.json", SaasBom)], components: false);
        var result = ImportPlan.Apply(null, imported, merge: false, prune: false);
        var graph = result.Graph;

        Assert.That(graph.Nodes.Select(n => (n.Id, n.Kind)), Is.EquivalentTo(new[]
        {
            ("acme-application", Node.Service), ("api-gateway", Node.Service), ("ms-1.example.com", Node.Service), ("ms-2.example.com", Node.Service),
            ("stock-ticker-service", Node.Service), ("supplier:Stock~Ticker~Service~Provider", Node.Supplier),
        }));
        Assert.That(graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EquivalentTo(new[]
        {
            "acme-application->api-gateway", "api-gateway->ms-1.example.com", "api-gateway->ms-2.example.com", "ms-1.example.com->stock-ticker-service",
            "stock-ticker-service->supplier:Stock~Ticker~Service~Provider",
        }), "Acme's own services name no supplier; the component is left out, so its dependency dangles");
        Assert.That(graph.FindNode("api-gateway")!.Attributes, Is.EquivalentTo(new Dictionary<string, string> { ["group"] = "com.example", ["version"] = "v2" }));
        Assert.That(imported.Skipped["components"], Is.EqualTo(1));
        Assert.That(result.Warnings.Select(w => w.Code), Is.EquivalentTo(new[] { "incomplete-dependencies", "dangling-reference" }));

        var hit = new Engine.PropagationEngine(graph).Impact(new Engine.ImpactQuery([new Engine.Outage("supplier:Stock~Ticker~Service~Provider")]));
        Assert.That(hit.Affected.Select(a => a.Id), Is.EqualTo(new[] { "stock-ticker-service", "ms-1.example.com", "api-gateway", "acme-application" }));
    }

    [Test]
    public void Components_count_when_asked_for_with_their_package_urls_mapped()
    {
        var graph = ImportPlan.Apply(null, CycloneDxImport.Read([("saasbom.json", SaasBom)], components: true), merge: false, prune: false).Graph;

        var web = graph.FindNode("pkg:npm~acme~web@1.0")!;
        Assert.That((web.Kind, web.Attributes[SourceIds.Attribute]), Is.EqualTo(("library", "pkg:npm/acme/web@1.0")));
        Assert.That(graph.FindDependency("ms-2.example.com", "pkg:npm~acme~web@1.0"), Is.Not.Null);
        Assert.Throws<UnreadableFileException>(() => CycloneDxImport.Read([("other.json", """{"spdxVersion": "SPDX-2.3"}""")], components: false));
    }

    [Test]
    public void A_spec_version_that_is_no_CycloneDX_version_and_a_bom_format_that_is_no_string_are_refused()
    {
        var future = Assert.Throws<UnreadableFileException>(() => CycloneDxImport.Read([("bom.json", """{"bomFormat": "CycloneDX", "specVersion": "9.9"}""")], components: false))!;
        Assert.Throws<UnreadableFileException>(() => CycloneDxImport.Read([("bom.json", """{"bomFormat": 5, "specVersion": "1.5"}""")], components: false));

        Assert.That(future.Problem, Does.Contain("specVersion '9.9' is not a CycloneDX version"));
        Assert.That(CycloneDxImport.Read([("bom.json", """{"bomFormat": "CycloneDX", "specVersion": "1.7"}""")], components: false).Nodes, Is.Empty);
    }
}
