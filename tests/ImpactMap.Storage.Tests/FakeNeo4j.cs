using System.Net;
using System.Text;
using System.Text.Json;

namespace ImpactMap.Storage.Tests;

/// <summary>
/// An HTTP handler that answers like Neo4j of <paramref name="version"/>: discovery, and an empty result for every
/// statement unless <see cref="Refuse"/> gives an error code for it. It records what the store sends. For what the
/// real test Neo4j (3.1) cannot show: other versions' endpoints, and errors that cannot be forced on it.
/// </summary>
internal sealed class FakeNeo4j(string version) : HttpMessageHandler
{
    public List<(string Path, string Statement)> Posts { get; } = [];

    /// <summary>The Neo4j error code to answer a request whose first statement this is given, or null to answer it.</summary>
    public Func<string, string?> Refuse { get; set; } = _ => null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get)
        {
            // 4.x and 5.x describe a templated transaction endpoint at the root; 3.x points to /db/data/.
            return Json(path switch
            {
                "/" when !version.StartsWith('3') => $$"""{"transaction": "http://advertised-host:7474/db/{databaseName}/tx", "neo4j_version": "{{version}}"}""",
                "/" => """{"data": "http://advertised-host:7474/db/data/"}""",
                _ => $$"""{"transaction": "http://advertised-host:7474/db/data/transaction", "neo4j_version": "{{version}}"}""",
            });
        }

        if (request.Method == HttpMethod.Delete)
        {
            return Json("""{"results": [], "errors": []}""");
        }

        var body = JsonSerializer.Deserialize<JsonElement>(await request.Content!.ReadAsStringAsync(cancellationToken));
        var statements = body.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("statement").GetString()!).ToList();
        foreach (var statement in statements)
        {
            Posts.Add((path, statement));
        }

        if (statements.Count > 0 && Refuse(statements[0]) is { } code)
        {
            return Json($$"""{"results": [], "errors": [{"code": "{{code}}", "message": "refused by the fake"}]}""");
        }

        var answer = Json("{\"results\": [" + string.Join(",", statements.Select(_ => """{"columns": [], "data": []}""")) + "], \"errors\": []}");
        if (path.EndsWith("/transaction", StringComparison.Ordinal) || path.EndsWith("/tx", StringComparison.Ordinal))
        {
            // Opening an explicit transaction: Neo4j says where it lives.
            answer.Headers.Location = new Uri(request.RequestUri, path + "/1");
        }

        return answer;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
