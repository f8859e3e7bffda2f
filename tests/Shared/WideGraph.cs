namespace ImpactMap.Tests.Shared;

/// <summary>
/// A wide radius as a graph document: one region under N SaaS suppliers, each under M customers; a region outage
/// hits N x (M + 1). Ids are zero-padded so that id order is easy to state. The console's tests and its benchmark
/// both use it.
/// </summary>
public static class WideGraph
{
    public static string Json(int suppliers, int customersEach)
    {
        var nodes = new List<string> { """{"id":"region","name":"Cloud region","kind":"supplier"}""" };
        var dependencies = new List<string>();
        for (var s = 0; s < suppliers; s++)
        {
            var supplier = $"saas-{s:00}";
            nodes.Add($$"""{"id":"{{supplier}}","name":"SaaS {{s:00}}","kind":"supplier"}""");
            dependencies.Add($$"""{"from":"{{supplier}}","to":"region"}""");
            for (var c = 0; c < customersEach; c++)
            {
                var customer = $"c-{s:00}-{c:000}";
                nodes.Add($$"""{"id":"{{customer}}","name":"Customer {{s:00}}-{{c:000}}","kind":"customer"}""");
                dependencies.Add($$"""{"from":"{{customer}}","to":"{{supplier}}"}""");
            }
        }

        return $$"""{"nodes":[{{string.Join(',', nodes)}}],"dependencies":[{{string.Join(',', dependencies)}}]}""";
    }
}
