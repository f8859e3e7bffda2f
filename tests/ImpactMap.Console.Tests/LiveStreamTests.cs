using System.Net;
using System.Net.Sockets;
using ImpactMap.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

/// <summary>The live stream through a service restart: the page says it lost the stream, reconnects, and catches up.</summary>
public sealed class LiveStreamTests : ConsoleTestBase
{
    private readonly TempFolder _data = new();
    private ApiServer? _server;

    protected override ApiServer Server => _server ?? throw new InvalidOperationException("the service is not running");

    [TearDown]
    public async Task StopServiceAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data.Dispose();
    }

    [Test]
    public async Task The_incident_list_reconnects_after_the_service_restarts_and_shows_what_happened_since()
    {
        // The same address before and after, as a browser would see one service restart.
        var url = $"http://127.0.0.1:{FreePort()}";
        var settings = ApiServer.EmbeddedSettings(_data.Path, samples: true);
        _server = await ApiServer.StartAsync(settings, url);
        await Page.GotoAsync(Url("/graphs/cloud-region/incidents"));
        var live = Page.Locator("p.live");
        await Expect(live).ToHaveAttributeAsync("data-health", "live");

        await _server.KillAsync();
        await Expect(live).ToHaveAttributeAsync("data-health", "reconnecting");
        await Expect(live).ToHaveTextAsync("Live updates lost; reconnecting…");

        _server = await ApiServer.StartAsync(settings, url);
        using var opened = await _server.Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json(
            """{"title":"Opened while the page was reconnecting","outages":[{"node":"crm-cloud"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await Expect(live).ToHaveAttributeAsync("data-health", "live", new() { Timeout = 30_000 });
        await Expect(Page.Locator("table.incidents")).ToContainTextAsync("Opened while the page was reconnecting");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
