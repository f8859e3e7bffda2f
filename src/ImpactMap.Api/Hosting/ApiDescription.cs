namespace ImpactMap.Api.Hosting;

/// <summary>The introduction of the API, as the OpenAPI document and the docs page give it.</summary>
internal static class ApiDescription
{
    public const string Introduction = """
        ImpactMap keeps a graph of suppliers, services and customers and answers, with reasons: if this fails,
        who goes down, who is degraded, who runs on their last fallback, all the way down the chain, and when each
        of them is hit.

        - **Graphs**: `PUT /v1/graphs/{graph}` a whole document (JSON or YAML), or change nodes and dependencies one
          at a time. Every change moves the graph's version (its `ETag`) up; writes accept `If-Match`.
        - **Impact**: `POST /v1/graphs/{graph}/impact` with the failing nodes: every affected node with its state,
          depth, `via` (the node before it on its explaining chain), `path` and `impactAt`, a page at a time.
        - **Incidents**: open one for an outage, post updates, read the letters (`notices`) every affected party
          should get, review it (a vague cause is refused) and close it.
        - **Events**: Server-Sent Events of graph changes and incidents for dashboards.

        Every error is `application/problem+json` with a `detail`. With API keys configured, send yours in
        `X-Api-Key`.
        """;
}
