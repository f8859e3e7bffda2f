using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ImpactMap.Api.Tests;

/// <summary>
/// What a hostile run with a writer's key found in imports and documents, each reproduced as it was sent: the
/// service stays alive (its /health/live answers throughout), under 1 GB, and answers with a 4xx problem that names
/// the problem, never a 500 and never by dying.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class HostileImportTests(string store) : ApiTestBase(store)
{
    private const long OneGigabyte = 1L << 30;

    private LivenessWatch _watch = null!;

    [SetUp]
    public void WatchLiveness() => _watch = new LivenessWatch(Server);

    [TearDown]
    public async Task ServiceStayedAliveAndSmall()
    {
        await _watch.DisposeAsync();
        TestContext.Out.WriteLine($"/health/live: {_watch.Probes} probes, the slowest answered in {_watch.Slowest.TotalMilliseconds:F0} ms");
        Assert.That(_watch.Misses, Is.Empty, $"/health/live went unanswered within {LivenessWatch.Patience.TotalSeconds} s");
        Assert.That(_watch.Probes, Is.GreaterThan(0));
        Assert.That(Server.PeakResidentBytes, Is.LessThan(OneGigabyte), "the service's peak resident memory");
        Assert.That(Server.ErrorSummary, Does.Not.Contain("responded 500"), "no answer of this service was a 500");
    }

    private Task<HttpResponseMessage> ImportAsync(string graph, string format, HttpContent content, string options = "") =>
        Client.PostAsync($"/v1/graphs/{graph}/imports?format={format}{options}", content);

    private static ByteArrayContent Bytes(byte[] bytes, string type) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(type) } };

    [Test]
    public async Task Ten_thousand_nested_flow_sequences_in_a_Backstage_import_are_a_400_not_a_dead_process()
    {
        var yaml = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app}\nspec: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var response = await ImportAsync(NewGraphName(), "backstage", new StringContent(yaml, Encoding.UTF8, "application/yaml"), "&dryRun=true");

        Assert.That((await ProblemOf(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("nesting deeper than 64 levels"));
        Assert.That((await Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_511_byte_alias_bomb_in_a_Backstage_import_is_refused_before_it_expands()
    {
        var bomb = new StringBuilder("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app}\nspec:\n  l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n");
        for (var level = 1; level <= 8; level++)
        {
            bomb.Append($"  l{level}: &l{level} [{string.Join(",", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
        }

        var response = await ImportAsync(NewGraphName(), "backstage", new StringContent(bomb.ToString(), Encoding.UTF8, "application/yaml"), "&dryRun=true");

        Assert.That((await ProblemOf(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("aliases expand the document past"));
    }

    [Test]
    public async Task Attributes_shared_by_an_alias_across_two_thousand_nodes_are_refused_and_nothing_is_stored()
    {
        var yaml = new StringBuilder("nodes:\n  - id: n0\n    kind: service\n    attributes: &at\n");
        for (var key = 0; key < 1000; key++)
        {
            yaml.Append($"      k{key}: {new string('v', 100)}\n");
        }

        for (var node = 1; node < 2000; node++)
        {
            yaml.Append($"  - {{id: n{node}, kind: service, attributes: *at}}\n");
        }

        var graph = NewGraphName();
        var response = await Client.PutAsync($"/v1/graphs/{graph}", new StringContent(yaml.ToString(), Encoding.UTF8, "application/yaml"));

        Assert.That((await ProblemOf(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("aliases expand the document past"));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Twenty_megabytes_of_one_repeated_row_list_a_thousand_warnings_and_count_every_one()
    {
        const int repeats = 1_600_000;
        var csv = new StringBuilder("id,kind\n", 20_000_000);
        for (var i = 0; i < repeats; i++)
        {
            csv.Append("app,service\n");
        }

        var graph = NewGraphName();
        var response = await ImportAsync(graph, "csv", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), "&dryRun=true");
        var strict = await ImportAsync(graph, "csv", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), "&strict=true");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body[..Math.Min(body.Length, 500)]);
        Assert.That(body.Length, Is.LessThan(1_000_000), "the answer's size");
        var answer = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.That(answer.GetProperty("warnings").GetArrayLength(), Is.EqualTo(1000));
        Assert.That(answer.GetProperty("warningCounts").GetProperty("duplicate").GetInt32(), Is.EqualTo(repeats - 1));
        Assert.That(answer.GetProperty("skipped").GetProperty("nodes").GetInt32(), Is.EqualTo(repeats - 1));
        var refusal = await strict.Content.ReadAsStringAsync();
        Assert.That(refusal.Length, Is.LessThan(1_000_000), "the strict refusal's size");
        Assert.That((await ProblemOf(strict, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain($"{repeats - 1} warning(s) ({repeats - 1} duplicate)"));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task Three_large_zip_imports_at_once_run_one_at_a_time_and_the_rest_are_told_to_retry()
    {
        // 120 MB of CSV in a zip of a few hundred KB: each import holds its text twice over while it reads.
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = zip.CreateEntry("nodes.csv").Open();
            await entry.WriteAsync(Encoding.UTF8.GetBytes("id,kind\n"));
            var rows = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("app,service\n", 100_000)));
            for (var written = 0L; written < 120_000_000; written += rows.Length)
            {
                await entry.WriteAsync(rows);
            }
        }

        var imports = Enumerable.Range(0, 3).Select(_ => ImportAsync(NewGraphName(), "csv", Bytes(buffer.ToArray(), "application/zip"), "&dryRun=true")).ToList();
        var answers = await Task.WhenAll(imports);

        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.GreaterThanOrEqualTo(1));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
        {
            Assert.That((await ProblemOf(refused, HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString(), Does.StartWith("Not started"));
            Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
        }
    }

    private static byte[] ZipOf(string name, string text)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry(name).Open());
            entry.Write(text);
        }

        return buffer.ToArray();
    }

    [Test]
    public async Task A_truncated_zip_a_zip_of_garbage_and_a_zip_with_one_flipped_byte_are_400s_naming_the_file()
    {
        var zip = ZipOf("nodes.csv", "id,kind\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"n{i},service\n")));
        var truncated = zip[..(zip.Length / 2)];
        var garbage = new byte[] { 0x50, 0x4B, 0x03, 0x04 }.Concat(Encoding.ASCII.GetBytes("garbage, not a zip at all")).ToArray();
        var flipped = (byte[])zip.Clone();
        flipped[60] ^= 0xFF;

        foreach (var (what, bytes) in new[] { ("truncated", truncated), ("garbage", garbage), ("flipped", flipped) })
        {
            var response = await ImportAsync(NewGraphName(), "csv", Bytes(bytes, "application/zip"), "&dryRun=true");

            var detail = (await ProblemOf(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
            Assert.That(detail, Does.Contain("upload"), what);
        }
    }

    private static ByteArrayContent RawMultipart(string boundary, string body)
    {
        var content = Bytes(Encoding.UTF8.GetBytes(body), "multipart/form-data");
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("boundary", boundary));
        return content;
    }

    [Test]
    public async Task Broken_multipart_bodies_are_400s_that_say_what_is_wrong()
    {
        var part = "Content-Disposition: form-data; name=\"file\"; filename=\"nodes.csv\"\r\n\r\nid,kind\r\napp,service\r\n";
        var cases = new (string What, string Boundary, string Body)[]
        {
            ("a boundary that does not match", "expected", $"--other\r\n{part}--other--\r\n"),
            ("an unterminated part", "b", $"--b\r\n{part}"),
            ("a 100 KB part header", "b", $"--b\r\nX-Long: {new string('x', 100_000)}\r\n{part}--b--\r\n"),
            ("seventeen part headers", "b", $"--b\r\n{string.Concat(Enumerable.Range(0, 17).Select(i => $"X-H{i}: v\r\n"))}{part}--b--\r\n"),
        };

        foreach (var (what, boundary, body) in cases)
        {
            var response = await ImportAsync(NewGraphName(), "csv", RawMultipart(boundary, body), "&dryRun=true");

            var detail = (await ProblemOf(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
            Assert.That(detail, Does.Contain("multipart body cannot be read"), what);
        }
    }

    [Test]
    public async Task A_graph_exported_as_CSV_imports_back_however_well_its_text_compresses()
    {
        // Long, alike names compress far better than 16 to 1, the ratio the old zip guard refused past.
        var nodes = string.Join(",", Enumerable.Range(0, 3000).Select(i =>
            $$$"""{"id":"service-{{{i}}}","kind":"service","name":"{{{new string('a', 300)}}} {{{i}}}","attributes":{"owner":"{{{new string('o', 200)}}}"}}"""));
        var dependencies = string.Join(",", Enumerable.Range(1, 2999).Select(i => $$"""{"from":"service-{{i}}","to":"service-{{i - 1}}"}"""));
        var source = NewGraphName();
        var put = await Client.PutAsync($"/v1/graphs/{source}", new StringContent($$"""{"nodes":[{{nodes}}],"dependencies":[{{dependencies}}]}""", Encoding.UTF8, "application/json"));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
        using var export = new HttpRequestMessage(HttpMethod.Get, $"/v1/graphs/{source}") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/csv") } } };
        var zip = await (await Client.SendAsync(export)).Content.ReadAsByteArrayAsync();
        using (var archive = new ZipArchive(new MemoryStream(zip)))
        {
            Assert.That(archive.Entries.Sum(e => e.Length), Is.GreaterThan(16L * zip.Length), "the export compresses better than 16 to 1");
        }

        var copy = NewGraphName();
        var imported = await ImportAsync(copy, "csv", Bytes(zip, "application/zip"));

        Assert.That(imported.StatusCode, Is.EqualTo(HttpStatusCode.Created), await imported.Content.ReadAsStringAsync());
        var original = await (await Client.GetAsync($"/v1/graphs/{source}")).Content.ReadAsStringAsync();
        var copied = await (await Client.GetAsync($"/v1/graphs/{copy}")).Content.ReadAsStringAsync();
        Assert.That(copied, Is.EqualTo(original));
    }

    [Test]
    public async Task Columns_that_nodes_csv_does_not_name_become_attributes_and_strict_passes()
    {
        var response = await ImportAsync(NewGraphName(), "csv", new StringContent("id,kind,owner,tier,attr.owner\napp,service,team-a,1,\ndb,resource,team-b,2,team-c\n",
            Encoding.UTF8, "text/csv"), "&dryRun=true&strict=true");

        var answer = await JsonOf(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), answer.ToString());
        var attributes = answer.GetProperty("document").GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("attributes").ToString());
        Assert.That(attributes["app"], Is.EqualTo("""{"owner":"team-a","tier":"1"}"""));
        Assert.That(attributes["db"], Is.EqualTo("""{"owner":"team-c","tier":"2"}"""), "an attr. column wins over a plain one of the same key");
    }
}
