using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>
/// Backstage catalogs, written by hand in the shape of Backstage's own catalog-model examples (artist-lookup,
/// artists-db, www-artist, the wayback archive's subcomponents) with ImpactMap annotations added.
/// </summary>
public class BackstageImportTests
{
    private const string Catalog = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: artist-lookup
          title: Artist Lookup
          tags: [java, data]
          labels: {tier: "1"}
        spec:
          type: service
          lifecycle: experimental
          owner: team-a
          system: artist-engagement-portal
          dependsOn: ['resource:artists-db']
          providesApis: [artist-api]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Resource
        metadata: {name: artists-db}
        spec: {type: database, owner: team-a, dependencyOf: ['component:artist-lookup']}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata: {name: artist-api}
        spec: {type: openapi, lifecycle: production, owner: team-a, definition: {$text: ./openapi.yaml}}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: www-artist}
        spec: {type: website, consumesApis: [artist-api], dependsOn: [artists-cache]}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: wayback-archive-ingestion}
        spec: {type: service, subcomponentOf: wayback-archive}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
          namespace: billing
          annotations:
            impactmap.io/kind: supplier
            impactmap.io/availability: "0.9995"
            impactmap.io/alternatives: "psp: api:psp-a, api:psp-b"
            impactmap.io/degraded-by: "api:default/artist-api"
            impactmap.io/tolerance: "api:psp-b=PT15M"
        spec:
          type: service
          consumesApis: [psp-a, psp-b, default/artist-api]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata: {name: psp-a, namespace: billing}
        spec: {type: openapi}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata: {name: psp-b, namespace: billing}
        spec: {type: openapi}
        """;

    [Test]
    public void A_catalog_becomes_nodes_by_kind_and_name_with_every_relation_the_right_way_round()
    {
        var imported = BackstageImport.Read([("catalog-info.yaml", Catalog)]);
        var graph = ImportPlan.Apply(null, imported, merge: false, prune: false).Graph;

        Assert.That(graph.Nodes.Select(n => n.Id), Is.EquivalentTo(new[]
        {
            "component:artist-lookup", "resource:artists-db", "api:artist-api", "component:www-artist", "component:wayback-archive-ingestion",
            "component:billing:payments", "api:billing:psp-a", "api:billing:psp-b",
        }));
        Assert.That(graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EquivalentTo(new[]
        {
            "component:artist-lookup->resource:artists-db", "api:artist-api->component:artist-lookup", "component:www-artist->api:artist-api",
            "component:billing:payments->api:billing:psp-a", "component:billing:payments->api:billing:psp-b", "component:billing:payments->api:artist-api",
        }), "dependsOn and dependencyOf stated from both sides are one dependency");

        var lookup = graph.FindNode("component:artist-lookup")!;
        Assert.That((lookup.Name, lookup.Kind), Is.EqualTo(("Artist Lookup", Node.Service)));
        Assert.That(lookup.Attributes, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["type"] = "service", ["lifecycle"] = "experimental", ["owner"] = "team-a", ["system"] = "artist-engagement-portal",
            ["tags"] = "java,data", ["label.tier"] = "1",
        }));
        Assert.That(graph.FindNode("resource:artists-db")!.Kind, Is.EqualTo("resource"));
        Assert.That(graph.FindNode("api:artist-api")!.Kind, Is.EqualTo("api"));

        var payments = graph.FindNode("component:billing:payments")!;
        Assert.That((payments.Kind, payments.Availability, payments.NeedOf("psp")), Is.EqualTo(("supplier", 0.9995, 1)));
        Assert.That(graph.FindDependency("component:billing:payments", "api:billing:psp-a")!.Group, Is.EqualTo("psp"));
        Assert.That(graph.FindDependency("component:billing:payments", "api:billing:psp-b")!.Tolerance, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That(graph.FindDependency("component:billing:payments", "api:artist-api")!.Effect, Is.EqualTo(NodeState.Degraded));

        Assert.That(imported.Warnings.Select(w => (w.Code, w.Source)), Is.EqualTo(new[] { ("missing-kind", "component:www-artist: dependsOn") }));
        Assert.That(imported.Skipped, Is.EquivalentTo(new Dictionary<string, int> { ["group"] = 1, ["containment relations"] = 1, ["dependencies"] = 1 }));
    }

    [Test]
    public void The_catalog_apis_json_reads_the_same_and_an_outage_travels_along_it()
    {
        const string Json = """
            {"items": [
              {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "artist-lookup"},
               "spec": {"type": "service", "dependsOn": ["resource:default/artists-db"]}},
              {"apiVersion": "backstage.io/v1alpha1", "kind": "Resource", "metadata": {"name": "artists-db"}, "spec": {"type": "database"}},
              {"apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": {"name": "examples"}, "spec": {"targets": ["./all.yaml"]}}
            ]}
            """;

        var imported = BackstageImport.Read([("entities.json", Json)]);
        var engine = new Engine.PropagationEngine(ImportPlan.Apply(null, imported, merge: false, prune: false).Graph);

        Assert.That(imported.Skipped, Is.EquivalentTo(new Dictionary<string, int> { ["location"] = 1 }), "Location targets are not followed");
        var hit = engine.Impact(new Engine.ImpactQuery([new Engine.Outage("resource:artists-db")]));
        Assert.That(hit.Affected.Select(a => a.Id), Is.EqualTo(new[] { "component:artist-lookup" }));
    }

    [Test]
    public void Broken_yaml_names_its_file_and_line()
    {
        var refused = Assert.Throws<UnreadableFileException>(() => BackstageImport.Read([("catalog-info.yaml", "kind: Component\nmetadata: {name: [unclosed\n")]));

        Assert.That(refused!.File, Is.EqualTo("catalog-info.yaml"));
        Assert.That(refused.Line, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void A_member_named_twice_in_alternatives_and_a_group_named_twice_are_read_not_a_crash()
    {
        const string catalog = """
            kind: Component
            metadata:
              name: app
              annotations:
                impactmap.io/alternatives: "psp: api:a, api:a, api:b; psp: api:b"
            spec: {consumesApis: [a, b]}
            ---
            kind: API
            metadata: {name: a}
            ---
            kind: API
            metadata: {name: b}
            """;

        var imported = BackstageImport.Read([("catalog-info.yaml", catalog)]);

        Assert.That(imported.Nodes.Single(n => n.Id == "component:app").Groups, Is.EqualTo(new Dictionary<string, int> { ["psp"] = 1 }));
        Assert.That(imported.Dependencies.Select(d => (d.To, d.Group)), Is.EquivalentTo(new[] { ("api:a", "psp"), ("api:b", "psp") }));
    }
}
