using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Graphs and blast radii as CSV, DOT (laid out by Graphviz to prove it parses), GraphML and Mermaid.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.Embedded))]
public class ExportTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task A_graph_exports_as_a_zip_of_two_csv_files_with_every_field()
    {
        var response = await GetAsync("/v1/graphs/cloud-region", "text/csv");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/zip"));
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        var nodes = Lines(zip, "nodes.csv");
        var dependencies = Lines(zip, "dependencies.csv");
        var document = await JsonOf(await Client.GetAsync("/v1/graphs/cloud-region"));

        Assert.That(nodes[0], Does.StartWith("id,name,kind,availability,groups,attr.advice,attr.contact,"));
        Assert.That(nodes, Has.Length.EqualTo(1 + document.GetProperty("nodes").GetArrayLength()));
        Assert.That(dependencies, Has.Length.EqualTo(1 + document.GetProperty("dependencies").GetArrayLength()));
        Assert.That(dependencies[0], Is.EqualTo("from,to,group,effect,tolerance"));
        Assert.That(nodes.Single(l => l.StartsWith("payments-hub,", StringComparison.Ordinal)), Does.StartWith("payments-hub,PaymentsHub (SaaS processor),supplier,0.9995,compute=1,"));
        Assert.That(dependencies, Does.Contain("payments-hub,aws-eu-west-1,compute,down,PT5M"));
        Assert.That(nodes.Single(l => l.StartsWith("acme-shoppers,", StringComparison.Ordinal)), Does.Contain("\"Pay at Acme by bank transfer, or keep your basket and try again after recovery\""),
            "a field with a comma is quoted");
    }

    [Test]
    [Category(TestTiers.External)]
    public async Task A_graph_exports_as_dot_that_graphviz_lays_out_and_as_graphml()
    {
        var dot = await (await GetAsync("/v1/graphs/cloud-region", "text/vnd.graphviz")).Content.ReadAsStringAsync();
        var graphMl = XDocument.Parse(await (await GetAsync("/v1/graphs/cloud-region", "application/graphml+xml")).Content.ReadAsStringAsync());
        var document = await JsonOf(await Client.GetAsync("/v1/graphs/cloud-region"));
        var (nodeCount, edgeCount) = (document.GetProperty("nodes").GetArrayLength(), document.GetProperty("dependencies").GetArrayLength());

        var plain = Graphviz(dot);
        Assert.That(plain.Count(l => l.StartsWith("node ", StringComparison.Ordinal)), Is.EqualTo(nodeCount));
        Assert.That(plain.Count(l => l.StartsWith("edge ", StringComparison.Ordinal)), Is.EqualTo(edgeCount));
        XNamespace ns = "http://graphml.graphdrawing.org/xmlns";
        Assert.That(graphMl.Descendants(ns + "node").Count(), Is.EqualTo(nodeCount));
        Assert.That(graphMl.Descendants(ns + "edge").Count(), Is.EqualTo(edgeCount));
        var region = graphMl.Descendants(ns + "node").Single(n => n.Attribute("id")!.Value == "aws-eu-west-1");
        Assert.That(region.Elements(ns + "data").Single(d => d.Attribute("key")!.Value == "availability").Value, Is.EqualTo("0.9999"));
        var ownerKey = graphMl.Descendants(ns + "key").Single(k => k.Attribute("attr.name")!.Value == "attr.owner").Attribute("id")!.Value;
        Assert.That(region.Elements(ns + "data").Single(d => d.Attribute("key")!.Value == ownerKey).Value, Is.EqualTo("cloud-team"));
    }

    [Test]
    [Category(TestTiers.External)]
    public async Task A_blast_radius_exports_whole_as_csv_dot_and_mermaid_whatever_the_limit()
    {
        const string Question = """{"outages":[{"node":"aws-eu-west-1"}],"limit":1}""";
        var json = await JsonOf(await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}]}""")));
        var csv = (await (await PostAsync("/v1/graphs/cloud-region/impact", Question, "text/csv")).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var dot = await (await PostAsync("/v1/graphs/cloud-region/impact", Question, "text/vnd.graphviz")).Content.ReadAsStringAsync();
        var mermaid = await (await GetAsync("/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact?limit=1", "text/vnd.mermaid")).Content.ReadAsStringAsync();
        var total = json.GetProperty("total").GetInt32();

        Assert.That(csv[0], Is.EqualTo("id,name,kind,state,depth,impactAt,path"));
        Assert.That(csv, Has.Length.EqualTo(1 + total));
        Assert.That(csv, Does.Contain("acme-shoppers,Acme's shoppers,customer,degraded,4,PT0S,aws-eu-west-1 > crm-cloud > bank-online > acme-webshop > acme-shoppers"));
        var plain = Graphviz(dot);
        Assert.That(plain.Count(l => l.StartsWith("node ", StringComparison.Ordinal)), Is.EqualTo(total + 1), "the affected and the origin");
        Assert.That(plain.Count(l => l.StartsWith("edge ", StringComparison.Ordinal)), Is.EqualTo(total), "one explaining edge into each affected node");
        var lines = mermaid.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("flowchart LR"));
        Assert.That(lines.Count(l => l.Contains(":::", StringComparison.Ordinal)), Is.EqualTo(total + 1));
        Assert.That(lines.Count(l => l.Contains(" --> ", StringComparison.Ordinal)), Is.EqualTo(total));
        Assert.That(mermaid, Does.Contain("[\"Acme's shoppers: degraded\"]:::degraded"));
    }

    [Test]
    [Category(TestTiers.External)]
    public async Task A_mermaid_picture_of_more_than_200_nodes_counts_per_depth_and_kind()
    {
        var graph = NewGraphName();
        (await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json(WideGraph.Json(suppliers: 3, customersEach: 100)))).EnsureSuccessStatusCode();

        var mermaid = await (await GetAsync($"/v1/graphs/{graph}/nodes/region/impact", "text/vnd.mermaid")).Content.ReadAsStringAsync();
        var dot = await (await GetAsync($"/v1/graphs/{graph}/nodes/region/impact", "text/vnd.graphviz")).Content.ReadAsStringAsync();

        var boxes = mermaid.Split('\n').Where(l => l.Contains(":::", StringComparison.Ordinal)).ToList();
        Assert.That(boxes, Has.Count.EqualTo(3));
        Assert.That(boxes, Has.Some.Contains("depth 2, customer: 300 (300 down)"));
        Assert.That(mermaid.Split('\n').Count(l => l.Contains(" --> ", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(Graphviz(dot).Count(l => l.StartsWith("node ", StringComparison.Ordinal)), Is.EqualTo(304), "DOT keeps every node");
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var response = await Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = ApiServer.Json(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var response = await Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(accept));
        return response;
    }

    private static string[] Lines(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Graphviz's own layout of the DOT, in its plain format: one line per node and per edge.</summary>
    private static string[] Graphviz(string dot)
    {
        var info = new ProcessStartInfo("dot") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-Tplain");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Graphviz's dot did not start (apt-get install graphviz; ./build.sh test does)");
        process.StandardInput.Write(dot);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"dot refused the export: {errors}\n{dot}");
        return output.Split('\n');
    }
}
