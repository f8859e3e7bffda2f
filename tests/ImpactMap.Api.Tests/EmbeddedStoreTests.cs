using System.Net;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

public class EmbeddedStoreTests
{
    private const string SmallGraph = """
        nodes:
          - {id: region, kind: supplier}
          - {id: app, kind: service}
          - {id: shop, kind: customer}
        dependencies:
          - {from: app, to: region}
          - {from: shop, to: app}
        """;

    [Test]
    public async Task Acknowledged_writes_survive_a_kill_9_and_restart()
    {
        using var data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(data.Path, samples: false);
        string document;
        await using (var first = await ApiServer.StartAsync(settings))
        {
            Assert.That((await first.Client.PutAsync("/v1/graphs/kept", ApiServer.Yaml(SmallGraph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await first.Client.PostAsync("/v1/graphs/kept/nodes", ApiServer.Json("""{"id": "late", "kind": "customer"}"""))).StatusCode,
                Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await first.Client.DeleteAsync("/v1/graphs/kept/dependencies?from=shop&to=app")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            document = await first.Client.GetStringAsync("/v1/graphs/kept");
            await first.KillAsync();
        }

        await using var second = await ApiServer.StartAsync(settings);
        Assert.That(await second.Client.GetStringAsync("/v1/graphs/kept"), Is.EqualTo(document));
        Assert.That(document, Does.Contain("\"late\"").And.Not.Contain("\"from\":\"shop\""));
    }
}
