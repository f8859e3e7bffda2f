using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// An outage across organisations: instances of ImpactMap on loopback, each its own organisation with its own
/// store, following each other's status pages.
/// </summary>
[Category(TestTiers.Slow)]
public class FederationTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private static async Task<(ApiServer Server, TempFolder Data)> StartAsync(string store = "embedded")
    {
        var data = new TempFolder();
        var settings = await ApiStores.SettingsAsync(store, data.Path, samples: false);
        settings["ImpactMap:Watches:MinInterval"] = "00:00:00.5";
        settings["ImpactMap:Watches:AllowPrivateTargets"] = "true";
        return (await ApiServer.StartAsync(settings), data);
    }

    private static async Task Put(HttpClient client, string path, string body, string mediaType = "application/json")
    {
        var response = await client.PutAsync(path, mediaType == "application/json" ? ApiServer.Json(body) : ApiServer.Yaml(body));
        Assert.That((int)response.StatusCode, Is.InRange(200, 201), $"{path}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement?> OnlyIncident(HttpClient client, string graph)
    {
        var list = await client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents");
        Assert.That(list.GetArrayLength(), Is.LessThanOrEqualTo(1), "never a duplicate incident");
        return list.GetArrayLength() == 0 ? null : await client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{list[0].GetProperty("id").GetString()}");
    }

    private static Task<TimeSpan> Until(Func<Task<bool>> condition, string what, TimeSpan within) => Poll.UntilAsync(condition, what, within);

    [Test]
    public async Task An_outage_at_the_cloud_reaches_the_banks_customers_through_the_vendor_and_its_resolution_follows()
    {
        var (cloud, cloudData) = await StartAsync();
        var (vendor, vendorData) = await StartAsync();
        var (bank, bankData) = await StartAsync();
        try
        {
            await Put(cloud.Client, "/v1/graphs/cloud", "nodes: [{id: eu-west, kind: region, name: Region eu-west}]", "yaml");
            await Put(cloud.Client, "/v1/graphs/cloud/status-page", """{"name": "Nimbus Cloud", "components": ["eu-west"], "public": true}""");

            await Put(vendor.Client, "/v1/graphs/vendor", """
                nodes: [{id: nimbus-eu-west, kind: supplier}, {id: crm, kind: service, name: CRM Suite}]
                dependencies: [{from: crm, to: nimbus-eu-west}]
                """, "yaml");
            await Put(vendor.Client, "/v1/graphs/vendor/status-page", """{"name": "CRM Suite status", "components": ["crm"], "public": true}""");
            await Put(vendor.Client, "/v1/graphs/vendor/watches/nimbus", JsonSerializer.Serialize(new
            {
                url = new Uri(cloud.Address, "/v1/graphs/cloud/status").ToString(), interval = "PT2S",
                components = new[] { new { component = "eu-west", node = "nimbus-eu-west" } },
            }));

            await Put(bank.Client, "/v1/graphs/bank", """
                nodes:
                  - {id: crm-suite, kind: supplier, name: CRM Suite}
                  - {id: online-banking, kind: service, name: Online banking}
                  - {id: retail-customers, kind: customer, name: Retail customers, attributes: {contact: care@bank.example}}
                dependencies:
                  - {from: online-banking, to: crm-suite}
                  - {from: retail-customers, to: online-banking}
                """, "yaml");
            await Put(bank.Client, "/v1/graphs/bank/watches/crm-suite", JsonSerializer.Serialize(new
            {
                url = new Uri(vendor.Address, "/v1/graphs/vendor/status").ToString(), interval = "PT2S",
                components = new[] { new { component = "CRM Suite", node = "crm-suite" } },
            }));
            await Until(async () => (await bank.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/bank/watches/crm-suite"))
                .GetProperty("health").GetProperty("status").GetString() == "healthy", "the bank's watch has polled", TimeSpan.FromSeconds(20));

            var opened = await cloud.Client.PostAsync("/v1/graphs/cloud/incidents", ApiServer.Json(
                """{"title": "Region eu-west unreachable", "outages": [{"node": "eu-west", "state": "down"}], "startedAt": "2026-12-02T06:00:00Z"}"""));
            var cloudIncident = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var reached = await Until(async () => await OnlyIncident(bank.Client, "bank") is not null, "the bank opens an incident", 3 * Interval + TimeSpan.FromSeconds(3));
            TestContext.Out.WriteLine($"cloud → vendor → bank in {reached.TotalSeconds:0.0} s (polling every {Interval.TotalSeconds} s)");
            Assert.That(reached, Is.LessThan(2 * Interval + TimeSpan.FromSeconds(2)), "within two polling intervals, and the time to compute");

            var vendorIncident = (await OnlyIncident(vendor.Client, "vendor"))!.Value;
            var bankIncident = (await OnlyIncident(bank.Client, "bank"))!.Value;
            Assert.That(vendorIncident.GetProperty("title").GetString(), Is.EqualTo("Nimbus Cloud: Region eu-west unreachable"));
            Assert.That(bankIncident.GetProperty("title").GetString(), Is.EqualTo("CRM Suite status: Nimbus Cloud: Region eu-west unreachable"));
            Assert.That(bankIncident.GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.Parse("2026-12-02T06:00:00Z")),
                "the start travels with the outage");
            Assert.That(bankIncident.GetProperty("outages").GetRawText(), Is.EqualTo("""[{"node":"crm-suite","state":"down"}]"""));
            var notices = await bank.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/bank/incidents/{bankIncident.GetProperty("id").GetString()}/notices");
            var customers = notices.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "retail-customers");
            Assert.That(customers.GetProperty("state").GetString(), Is.EqualTo("down"));
            Assert.That(customers.GetProperty("message").GetString(), Does.Contain("CRM Suite"));

            await cloud.Client.PostAsync($"/v1/graphs/cloud/incidents/{cloudIncident}/updates", ApiServer.Json(
                """{"status": "identified", "message": "A fibre cut between two data centres isolated eu-west; traffic is being rerouted."}"""));
            await Until(async () => (await OnlyIncident(bank.Client, "bank"))!.Value.GetProperty("updates").EnumerateArray()
                .Any(u => u.GetProperty("message").GetString()!.Contains("A fibre cut between two data centres", StringComparison.Ordinal)),
                "the cloud's words reach the bank", 3 * Interval + TimeSpan.FromSeconds(3));
            var words = (await OnlyIncident(bank.Client, "bank"))!.Value.GetProperty("updates").EnumerateArray()
                .Select(u => u.GetProperty("message").GetString()!).Last(m => m.Contains("fibre", StringComparison.Ordinal));
            Assert.That(words, Does.StartWith("CRM Suite status wrote"), "each hop attributes the words to its supplier");
            Assert.That(words, Does.Contain("Nimbus Cloud wrote"));
            Assert.That(words, Does.Contain("\u201cA fibre cut between two data centres isolated eu-west; traffic is being rerouted.\u201d"));

            await cloud.Client.PostAsync($"/v1/graphs/cloud/incidents/{cloudIncident}/updates", ApiServer.Json(
                """{"status": "resolved", "message": "The fibre is spliced and eu-west is reachable again."}"""));
            var resolved = await Until(async () => (await OnlyIncident(bank.Client, "bank"))!.Value.GetProperty("status").GetString() == "resolved",
                "the resolution reaches the bank", 3 * Interval + TimeSpan.FromSeconds(3));
            TestContext.Out.WriteLine($"resolution cloud → bank in {resolved.TotalSeconds:0.0} s");
            Assert.That((await OnlyIncident(vendor.Client, "vendor"))!.Value.GetProperty("status").GetString(), Is.EqualTo("resolved"));
            var vendorPage = await vendor.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/vendor/status/api/v2/summary.json");
            Assert.That(vendorPage.GetProperty("components")[0].GetProperty("status").GetString(), Is.EqualTo("operational"));
            Assert.That(vendorPage.GetProperty("incidents").GetArrayLength(), Is.Zero);
            var vendorMessages = (await OnlyIncident(vendor.Client, "vendor"))!.Value.GetProperty("updates").EnumerateArray()
                .Select(u => u.GetProperty("message").GetString()!).ToList();
            Assert.That(vendorMessages, Has.Some.Contains("\u201cThe fibre is spliced and eu-west is reachable again.\u201d"), "the supplier's resolving words");
        }
        finally
        {
            foreach (var (server, data) in new[] { (cloud, cloudData), (vendor, vendorData), (bank, bankData) })
            {
                await server.DisposeAsync();
                data.Dispose();
            }
        }
    }

    [Test]
    public async Task Two_instances_on_one_Neo4j_poll_a_watch_one_at_a_time_and_open_one_incident()
    {
        await using var supplier = await StandInStatuspage.StartAsync();
        var (a, dataA) = await StartAsync("neo4j");
        var (b, dataB) = await StartAsync("neo4j");
        try
        {
            var graph = "lease-" + Guid.NewGuid().ToString("N")[..8];
            await Put(a.Client, $"/v1/graphs/{graph}", "nodes: [{id: acme, kind: supplier}, {id: app, kind: service}]\ndependencies: [{from: app, to: acme}]", "yaml");
            supplier.Serve("major-outage");
            await Put(b.Client, $"/v1/graphs/{graph}/watches/acme", JsonSerializer.Serialize(new
            {
                url = supplier.Address.ToString(), interval = "PT0.5S", components = new[] { new { component = "Compute eu-west", node = "acme" } },
            }));
            await Until(async () => await OnlyIncident(a.Client, graph) is not null, "an incident opens", TimeSpan.FromSeconds(20));

            var before = supplier.Polls;
            await Task.Delay(TimeSpan.FromSeconds(6));
            var polls = supplier.Polls - before;

            var incident = (await OnlyIncident(b.Client, graph))!.Value;
            var messages = incident.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("message").GetString()).ToList();
            Assert.That(messages, Is.Unique);
            Assert.That(messages, Has.Count.EqualTo(2), "the supplier's two updates, once each");
            TestContext.Out.WriteLine($"{polls} polls in 6 s at one per 0.5 s");
            Assert.That(polls, Is.InRange(6, 14), "one instance polls at a time: about 12, not 24");
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            dataA.Dispose();
            dataB.Dispose();
        }
    }

    [Test]
    public async Task Private_and_loopback_targets_are_refused_unless_allowed_also_after_DNS_resolution()
    {
        await using var supplier = await StandInStatuspage.StartAsync();
        using var data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(data.Path, samples: false);
        settings["ImpactMap:Watches:MinInterval"] = "00:00:00.5";
        await using var server = await ApiServer.StartAsync(settings);
        await Put(server.Client, "/v1/graphs/g", "nodes: [{id: acme, kind: supplier}]", "yaml");
        string Watch(string url) => JsonSerializer.Serialize(new { url, interval = "PT0.5S", components = new[] { new { component = "Billing", node = "acme" } } });

        foreach (var refused in new[] { supplier.Address.ToString(), "http://169.254.169.254/latest", "http://10.1.2.3", "http://[::1]:8080", "http://localhost:1" })
        {
            var response = await server.Client.PutAsync("/v1/graphs/g/watches/w", ApiServer.Json(Watch(refused)));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), refused);
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("url: is a").And.Contain("address, which is refused"), refused);
        }

        // A name is only resolved when polled: the machine's own name resolves to a loopback or private address.
        var host = Environment.MachineName;
        var addresses = await Dns.GetHostAddressesAsync(host);
        static bool LoopbackOrPrivate(IPAddress a) => IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal || a.IsIPv6UniqueLocal
            || a.GetAddressBytes() is [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] or [169, 254, ..] or [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _];
        Assert.That(addresses.All(LoopbackOrPrivate), Is.True,
            $"this test needs {host} to resolve to loopback or private addresses; it resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}");
        await Put(server.Client, "/v1/graphs/g/watches/w", Watch($"http://{host}:{supplier.Address.Port}"));
        await Until(async () => (await server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/g/watches/w")).GetProperty("health")
            .GetProperty("consecutiveFailures").GetInt32() > 0, "the poll is refused", TimeSpan.FromSeconds(10));
        var health = (await server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/g/watches/w")).GetProperty("health");
        Assert.That(health.GetProperty("problem").GetString(), Does.Contain($"{host} resolves to a").And.Contain("address").And.Contain("which is refused"));
        Assert.That(supplier.Polls, Is.Zero, "nothing reached the supplier");
    }
}
