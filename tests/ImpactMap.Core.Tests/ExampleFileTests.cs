using ImpactMap.Core.Engine;
using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>The importers on their projects' own published example files (Examples/README.md names each source).</summary>
public class ExampleFileTests
{
    private static (string Name, string Text)[] Files(string folder) =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Examples", folder))
            .Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToArray();

    [Test]
    public void Backstages_artist_and_wayback_examples_import_with_their_relations_pointing_the_way_of_need()
    {
        var result = ImportPlan.Apply(null, BackstageImport.Read(Files("backstage")), merge: false, prune: false);
        var graph = result.Graph;

        Assert.That(graph.Nodes.Select(n => (n.Id, n.Kind)), Is.EquivalentTo(new[]
        {
            ("component:artist-lookup", Node.Service), ("resource:artists-db", "resource"), ("component:www-artist", Node.Service),
            ("component:wayback-archive", Node.Service), ("component:wayback-archive-ingestion", Node.Service), ("component:wayback-archive-storage", Node.Service),
            ("component:wayback-search", Node.Service), ("api:wayback-archive", "api"), ("api:wayback-search", "api"),
        }));
        Assert.That(graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EquivalentTo(new[]
        {
            "component:artist-lookup->resource:artists-db", "component:www-artist->component:artist-lookup",
            "api:wayback-archive->component:wayback-archive", "api:wayback-search->component:wayback-search", "component:wayback-search->api:wayback-archive",
        }), "dependsOn and consumesApis point at what is needed; an API needs the component that provides it; subcomponentOf is containment");
        Assert.That(result.Skipped, Is.EquivalentTo(new Dictionary<string, int> { ["system"] = 1, ["containment relations"] = 2 }));
        Assert.That(result.Warnings, Is.Empty);
        var lookup = graph.FindNode("component:artist-lookup")!;
        Assert.That((lookup.Attributes["tags"], lookup.Attributes["lifecycle"], lookup.Attributes["owner"], lookup.Attributes["system"]),
            Is.EqualTo(("java,data", "experimental", "team-a", "artist-engagement-portal")));

        var archiveDown = new PropagationEngine(graph).Impact(new ImpactQuery([new Outage("component:wayback-archive")]));
        Assert.That(archiveDown.Affected.Select(a => a.Id), Is.EqualTo(new[] { "api:wayback-archive", "component:wayback-search", "api:wayback-search" }));
    }

    [Test]
    public void CycloneDXs_saasbom_example_imports_its_nested_services_and_their_dependencies()
    {
        var result = ImportPlan.Apply(null, CycloneDxImport.Read(Files("cyclonedx"), components: false), merge: false, prune: false);
        var graph = result.Graph;

        Assert.That(graph.Nodes.Where(n => n.Kind == Node.Service).Select(n => n.Id), Is.EquivalentTo(new[]
        {
            "acme-application", "api-gateway", "ms-1.example.com", "ms-2.example.com", "ms-3.example.com", "ms-1-pgsql.example.com", "s3-example.amazon.com",
        }));
        Assert.That(graph.Dependencies.Where(d => graph.FindNode(d.To)!.Kind == Node.Service).Select(d => $"{d.From}->{d.To}"), Is.EquivalentTo(new[]
        {
            "acme-application->api-gateway", "api-gateway->ms-1.example.com", "api-gateway->ms-2.example.com", "api-gateway->ms-3.example.com",
            "ms-1.example.com->ms-1-pgsql.example.com", "ms-3.example.com->s3-example.amazon.com",
        }));
        Assert.That(graph.FindNode("api-gateway")!.Attributes, Does.ContainKey("group").WithValue("com.example"));
        Assert.That(graph.Nodes.Where(n => n.Kind == Node.Supplier).Select(n => n.Id), Is.EqualTo(new[] { "supplier:Acme~Inc" }),
            "the BOM names no organisation of its own, so Acme Inc, the provider it states, is a supplier");

        var s3Down = new PropagationEngine(graph).Impact(new ImpactQuery([new Outage("s3-example.amazon.com")]));
        Assert.That(s3Down.Affected.Select(a => a.Id), Is.EqualTo(new[] { "ms-3.example.com", "api-gateway", "acme-application" }));
    }
}
