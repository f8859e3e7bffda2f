using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ImpactMap.Bench;

/// <summary>
/// A generated Backstage catalog (the catalog API's JSON) imported end to end through the running service:
/// 100,000 entities (60% components, 20% resources, 20% APIs) and 400,000 relations, then a merge of the same
/// catalog with 1% of its entities changed.
/// </summary>
internal static class ImportRun
{
    public static async Task<int> RunAsync(Uri service, int entities)
    {
        using var client = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromMinutes(10) };
        var catalog = Catalog(entities, changed: 0);
        var changed = Catalog(entities, changed: entities / 100);
        Console.WriteLine($"catalog: {entities:N0} entities, {catalog.Relations:N0} relations, {catalog.Json.Length / 1e6:0} MB of JSON");
        foreach (var (label, json, mode) in new[] { ("import into a new graph", catalog.Json, "replace"), ("merge with 1% changed", changed.Json, "merge") })
        {
            var watch = Stopwatch.StartNew();
            using var content = new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } };
            using var response = await client.PostAsync($"/v1/graphs/catalog/imports?format=backstage&mode={mode}", content);
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            response.EnsureSuccessStatusCode();
            Console.WriteLine($"| {label} | {watch.Elapsed.TotalSeconds:0.0} s | nodes {report.GetProperty("nodes")}, dependencies {report.GetProperty("dependencies")} |");
        }

        return 0;
    }

    private static (byte[] Json, int Relations) Catalog(int entities, int changed)
    {
        var random = new Random(12);
        var components = entities * 6 / 10;
        var resources = entities * 2 / 10;
        var apis = entities - components - resources;
        var relations = 0;
        var text = new StringBuilder("{\"items\":[");
        for (var i = 0; i < entities; i++)
        {
            var (kind, name) = i < components ? ("Component", $"component-{i}") : i < components + resources ? ("Resource", $"resource-{i}") : ("API", $"api-{i}");
            var title = i < changed ? $"{name} (renamed)" : name;
            text.Append(i == 0 ? "" : ",").Append($$"""{"apiVersion":"backstage.io/v1alpha1","kind":"{{kind}}","metadata":{"name":"{{name}}","title":"{{title}}"},"spec":{"type":"service","owner":"team-{{i % 50}}" """);
            if (kind == "Component")
            {
                // Seven needs each: resources, components earlier in the list, and APIs (about 400,000 relations in all).
                var needs = Enumerable.Range(0, 7).Select(_ => random.Next(3) switch
                {
                    0 => $"resource:resource-{components + random.Next(resources)}",
                    1 when i > 0 => $"component:component-{random.Next(i)}",
                    _ => $"api:api-{components + resources + random.Next(apis)}",
                }).Distinct().ToList();
                relations += needs.Count;
                text.Append(",\"dependsOn\":[").AppendJoin(',', needs.Select(n => $"\"{n}\"")).Append(']');
            }

            text.Append("}}");
        }

        return (Encoding.UTF8.GetBytes(text.Append("]}").ToString()), relations);
    }
}
