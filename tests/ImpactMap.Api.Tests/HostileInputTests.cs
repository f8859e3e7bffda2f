using System.Net;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// Ten thousand generated hostile requests against the real service: every answer a 4xx problem+json, never
/// a 5xx, and the stored graphs exactly as before. Every generated request is invalid by construction.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class HostileInputTests(string store) : ApiTestBase(store)
{
    private const int Requests = 10_000;

    public sealed record HostileRequest(string Method, string Path, string? ContentType, string? Body)
    {
        public override string ToString() => $"{Method} {Path} [{ContentType}] {(Body is null ? "" : Body.Length > 300 ? Body[..300] + "…" : Body)}";
    }

    private static readonly string[] Nasty =
    [
        "a'b", "a\"b", "a`b", "x'}) MATCH (n) DETACH DELETE n //", "\"; DROP TABLE nodes; --", "a\u0000b", "a\u001bb", "\u202eevil",
        "a b", "a/b", "../../etc/passwd", "%00", "a\nb", "ä", "😀", "-start", new string('x', 201), "{{$graph}}", "$where", "a;b",
    ];

    private static Gen<string> NastyText => Gen.Elements(Nasty);

    private static Gen<string> BrokenJson =>
        Gen.OneOf(
            Gen.Elements("{", "[", "{\"nodes\": [", "{\"id\": }", "nul", "{'id': 'a'}", "{\"a\":1,}", "\u0000", "{\"id\":\"a\" \"kind\":\"b\"}", "][", "\"unterminated"),
            Gen.Choose(50, 5000).Select(depth => new string('[', depth) + new string(']', depth)),
            Gen.Choose(50, 3000).Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));

    private static Gen<HostileRequest> Requests_(string graph) => Gen.OneOf(
        // Broken JSON wherever JSON is read.
        from path in Gen.Elements($"/v1/graphs/{graph}/nodes", $"/v1/graphs/{graph}/dependencies", $"/v1/graphs/{graph}/impact",
            $"/v1/graphs/{graph}/incidents")
        from body in BrokenJson
        select new HostileRequest("POST", path, "application/json", body),
        from body in BrokenJson
        select new HostileRequest("PUT", $"/v1/graphs/{graph}", "application/json", body),
        // Broken YAML documents.
        from body in Gen.Elements("nodes: [", "nodes:\n\t- id: a", "nodes: {a: b", "- - - -", "nodes: [{id: a, kind: service, colour: red}]",
            "nodes: &a [*a]", "!!python/object:os.system ['ls']", "nodes: 5", "dependencies: [{from: a, to: b}]", ": :")
        select new HostileRequest("PUT", $"/v1/graphs/{graph}", "application/yaml", body),
        // Wrong types.
        from body in Gen.Elements("""{"id": 5, "kind": "service"}""", """{"id": ["a"], "kind": "service"}""", """{"id": "a", "kind": {"x": 1}}""",
            """{"id": "a", "kind": "service", "attributes": {"x": 1}}""", """{"id": "a", "kind": "service", "groups": {"g": {"need": "two"}}}""",
            """{"id": "a", "kind": "service", "groups": {"g": {"need": 0}}}""", """{"id": "a", "kind": "service", "groups": {"g": {"need": 2}}}""")
        select new HostileRequest("POST", $"/v1/graphs/{graph}/nodes", "application/json", body),
        // Hostile ids and kinds in bodies.
        from id in NastyText
        from field in Gen.Elements("id", "kind")
        select new HostileRequest("POST", $"/v1/graphs/{graph}/nodes", "application/json",
            JsonSerializer.Serialize(field == "id" ? new { id, kind = "service" } : new { id = "ok-" + Guid.NewGuid().ToString("N")[..6], kind = id })),
        // Huge strings.
        from length in Gen.Choose(1001, 400_000)
        from field in Gen.Elements("id", "name")
        select new HostileRequest("POST", $"/v1/graphs/{graph}/nodes", "application/json",
            field == "id" ? JsonSerializer.Serialize(new { id = new string('a', length), kind = "service" })
                          : JsonSerializer.Serialize(new { id = "big", kind = "service", name = new string('n', length) })),
        // Unknown references and bad values in dependencies.
        from to in NastyText
        from effect in Gen.Elements("down", "downn", "up", "DOWN", "")
        from tolerance in Gen.Elements("PT5M", "-PT5M", "5 minutes", "PT0.5S", "P9999Y")
        select new HostileRequest("POST", $"/v1/graphs/{graph}/dependencies", "application/json",
            JsonSerializer.Serialize(new { @from = "app", to, effect, tolerance })),
        // Impact questions that are wrong.
        from node in NastyText
        from state in Gen.Elements("down", "up", "exploded", "")
        from maxDepth in Gen.Elements(-1, 5000, 3)
        from duration in Gen.Elements("PT0S", "P-1D", "soon", "PT2H")
        select new HostileRequest("POST", $"/v1/graphs/{graph}/impact", "application/json",
            JsonSerializer.Serialize(new { outages = new[] { new { node, state } }, maxDepth, duration })),
        // Incidents that are wrong.
        from title in Gen.Elements("", new string('t', 201), "ok")
        from node in NastyText
        select new HostileRequest("POST", $"/v1/graphs/{graph}/incidents", "application/json",
            JsonSerializer.Serialize(new { title, outages = new[] { new { node, state = "down" } } })),
        // Hostile names in paths and queries.
        from name in NastyText
        from template in Gen.Elements("/v1/graphs/{0}", "/v1/graphs/{0}/nodes", "/v1/graphs/G/nodes/{0}", "/v1/graphs/G/nodes/{0}/exposure",
            "/v1/graphs/G/nodes/{0}/impact", "/v1/graphs/G/incidents/{0}", "/v1/graphs/G/nodes?cursor={0}!", "/v1/graphs/G/criticality?top={0}",
            "/v1/graphs/G/events?lastEventId={0}", "/v1/graphs/G/nodes?limit={0}")
        select new HostileRequest("GET", template.Replace("G", graph, StringComparison.Ordinal).Replace("{0}", Uri.EscapeDataString(name), StringComparison.Ordinal), null, null),
        // Changes aimed at things that do not exist, and documents that break the model.
        from name in NastyText
        select new HostileRequest("DELETE", $"/v1/graphs/{graph}/dependencies?from={Uri.EscapeDataString(name)}&to=app", null, null),
        from name in NastyText
        select new HostileRequest("PUT", $"/v1/graphs/{graph}", "application/json",
            JsonSerializer.Serialize(new { nodes = new[] { new { id = name, kind = "service" }, new { id = name, kind = "service" } } })),
        from body in Gen.Elements("<graph/>", "id=a&kind=b")
        from type in Gen.Elements("application/xml", "text/plain", "application/x-www-form-urlencoded")
        select new HostileRequest("PUT", $"/v1/graphs/{graph}", type, body));

    [Test]
    [Category(TestTiers.Slow)]
    public async Task Ten_thousand_hostile_requests_get_4xx_problems_and_change_nothing()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var watched = new[] { graph, "cloud-region", "payment-chain", "crowdstrike-2024" };
        var before = await Task.WhenAll(watched.Select(g => Client.GetStringAsync($"/v1/graphs/{g}")));
        var graphsBefore = await Client.GetStringAsync("/v1/graphs");
        var requests = Requests_(graph).Sample(Requests, 50);

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var refusedByKestrel = 0;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (hostile, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), hostile.Path);
            if (hostile.Body is not null)
            {
                request.Content = new StringContent(hostile.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(hostile.ContentType!);
            }

            using var response = await Client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var type = response.Content.Headers.ContentType?.MediaType;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                // Kestrel refuses a NUL in the request target itself, with a bare 400, before any application code runs.
                if (status == 400 && body.Length == 0 && hostile.Path.Contains("%00", StringComparison.Ordinal))
                {
                    refusedByKestrel++;
                }
                else if (status is < 400 or >= 500 || type != "application/problem+json")
                {
                    failures.Add($"{status} {type}: {hostile}");
                }
            }
        });

        var after = await Task.WhenAll(watched.Select(g => Client.GetStringAsync($"/v1/graphs/{g}")));
        Assert.That(failures, Is.Empty, $"{failures.Count} requests were not answered with a 4xx problem:\n{string.Join("\n", failures.Take(20))}");
        Assert.That(statuses.Values.Sum(), Is.EqualTo(Requests));
        Assert.That(after, Is.EqualTo(before), "the stored graphs are unchanged");
        Assert.That(await Client.GetStringAsync("/v1/graphs"), Is.EqualTo(graphsBefore), "no graph was created or removed");
        Assert.That(Server.Output, Does.Not.Contain("responded 500"));
        TestContext.Out.WriteLine($"refused by Kestrel before the application (NUL in the path): {refusedByKestrel}");
        TestContext.Out.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
    }
}
