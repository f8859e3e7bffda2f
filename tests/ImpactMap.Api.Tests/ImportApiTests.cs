using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>POST /v1/graphs/{graph}/imports with ImpactMap's own CSV: replace, merge, prune, dryRun, strict, and bad files.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class ImportApiTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task A_graph_exported_as_csv_imports_into_a_new_graph_as_the_same_graph()
    {
        using var export = new HttpRequestMessage(HttpMethod.Get, "/v1/graphs/cloud-region");
        export.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var exportAnswer = await Client.SendAsync(export);
        // Checked first: a failed export read as a CSV file would only be "unreadable" further down.
        Assert.That((exportAnswer.StatusCode, exportAnswer.Content.Headers.ContentType?.MediaType), Is.EqualTo((HttpStatusCode.OK, "application/zip")),
            await exportAnswer.Content.ReadAsStringAsync());
        var zip = await exportAnswer.Content.ReadAsByteArrayAsync();
        var graph = NewGraphName();

        var response = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv", new ByteArrayContent(zip) { Headers = { ContentType = new("application/zip") } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var report = await JsonOf(response);
        var original = await JsonOf(await Client.GetAsync("/v1/graphs/cloud-region"));
        Assert.That(report.GetProperty("nodes").GetProperty("added").GetInt32(), Is.EqualTo(original.GetProperty("nodes").GetArrayLength()));
        Assert.That(report.GetProperty("warnings").GetArrayLength(), Is.Zero);
        // The same nodes and dependencies in the same order; attributes are a map, their order is not kept.
        var (imported, exported) = (await ModelAsync(graph), await ModelAsync("cloud-region"));
        Assert.That(imported.Nodes, Is.EqualTo(exported.Nodes));
        Assert.That(imported.Dependencies, Is.EqualTo(exported.Dependencies));
    }

    [Test]
    public async Task A_merge_updates_what_the_source_states_keeps_the_rest_and_prune_removes_what_it_no_longer_lists()
    {
        var graph = await CreateGraphAsync("""
            nodes:
              - {id: app, name: App, kind: service, attributes: {owner: team-a}}
              - {id: db, kind: resource}
              - {id: cache, kind: resource}
            dependencies:
              - {from: app, to: db, effect: degraded, tolerance: PT5M}
              - {from: app, to: cache}
            """);

        var merged = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv", Multipart(
            ("nodes.csv", "id,name,availability\napp,The app,0.999\nqueue,,\n"),
            ("dependencies.csv", "from,to\napp,db\n"))));
        var after = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}"));

        // queue has no kind and is new: left out with a warning.
        Assert.That(merged.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()), Is.EqualTo(new[] { "missing-kind" }));
        Assert.That(merged.GetProperty("nodes").GetProperty("updated").GetInt32(), Is.EqualTo(1));
        var app = after.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "app");
        Assert.That((app.GetProperty("name").GetString(), app.GetProperty("availability").GetDouble(), app.GetProperty("attributes").GetProperty("owner").GetString()),
            Is.EqualTo(("The app", 0.999, "team-a")));
        var db = after.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("to").GetString() == "db");
        Assert.That((db.GetProperty("effect").GetString(), db.GetProperty("tolerance").GetString()), Is.EqualTo(("degraded", "PT5M")), "what the source does not state is kept");
        Assert.That(after.GetProperty("dependencies").GetArrayLength(), Is.EqualTo(2), "a merge deletes nothing");

        var pruned = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&mode=merge&prune=true", Multipart(
            ("nodes.csv", "id\napp\n"), ("dependencies.csv", "from,to\napp,db\n"))));
        Assert.That(pruned.GetProperty("dependencies").GetProperty("removed").GetInt32(), Is.EqualTo(1));
        Assert.That((await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}"))).GetProperty("dependencies").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_merge_stores_what_it_changed_as_one_version_in_place_and_a_merge_that_changes_nothing_stores_nothing()
    {
        var graph = await CreateGraphAsync("""
            nodes:
              - {id: app, name: App, kind: service}
              - {id: db, kind: resource}
              - {id: cache, kind: resource}
            dependencies:
              - {from: app, to: db}
              - {from: app, to: cache}
            """);
        var created = (await Client.GetAsync($"/v1/graphs/{graph}")).Headers.ETag!.Tag;
        using var events = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);
        static MultipartFormDataContent Source() => Multipart(("nodes.csv", "id,name,kind\napp,The app,\nqueue,,resource\n"), ("dependencies.csv", "from,to,effect\napp,db,degraded\napp,queue,\n"));

        var merged = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&mode=merge", Source());
        var again = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&mode=merge", Source());

        Assert.That(merged.StatusCode, Is.EqualTo(HttpStatusCode.OK), await merged.Content.ReadAsStringAsync());
        Assert.That(merged.Headers.ETag!.Tag, Is.Not.EqualTo(created));
        var change = JsonDocument.Parse((await events.NextAsync()).Data).RootElement.GetProperty("change");
        Assert.That((change.GetProperty("kind").GetString(), change.GetProperty("nodes").GetInt32(), change.GetProperty("dependencies").GetInt32(), change.GetProperty("changes").GetInt32()),
            Is.EqualTo(("merged", 4, 3, 4)), "one event: app renamed, queue added, app->db changed, app->queue added");
        var report = await JsonOf(again);
        Assert.That((report.GetProperty("version").GetInt64(), again.Headers.ETag!.Tag), Is.EqualTo((long.Parse(merged.Headers.ETag.Tag.Trim('"')), merged.Headers.ETag.Tag)),
            "nothing changed, so no new version");
        Assert.That(report.GetProperty("nodes").GetProperty("unchanged").GetInt32(), Is.EqualTo(4));

        // The store holds what this instance answers, in the same order: another instance reads it from there.
        await using var other = await StartAnotherInstanceAsync();
        var here = await Client.GetStringAsync($"/v1/graphs/{graph}");
        var there = await other.Client.GetStringAsync($"/v1/graphs/{graph}");
        Assert.That(there, Is.EqualTo(here));
        var document = JsonDocument.Parse(there).RootElement;
        Assert.That(document.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()), Is.EqualTo(new[] { "app", "db", "cache", "queue" }));
        Assert.That(document.GetProperty("dependencies").EnumerateArray().Select(d => $"{d.GetProperty("to").GetString()}:{(d.TryGetProperty("effect", out var effect) ? effect.GetString() : "")}"),
            Is.EqualTo(new[] { "db:degraded", "cache:", "queue:" }), "app->db changed in its place; down, the default, is not written");
    }

    [Test]
    public async Task A_merge_of_more_changes_than_one_write_holds_is_stored_as_the_whole_merged_graph_in_its_order()
    {
        var graph = await CreateGraphAsync("nodes:\n  - {id: app, kind: service}\n  - {id: db, kind: resource}\ndependencies:\n  - {from: app, to: db}\n");
        using var events = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);
        // 12,000 new nodes and 12,000 new dependencies: past the 20,000 changes one batch of changes may hold.
        var nodes = "id,kind\n" + string.Concat(Enumerable.Range(0, 12_000).Select(i => $"s{i},service\n"));
        var dependencies = "from,to\n" + string.Concat(Enumerable.Range(0, 12_000).Select(i => $"s{i},{(i == 0 ? "app" : $"s{i - 1}")}\n"));

        var merged = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&mode=merge", Multipart(("nodes.csv", nodes), ("dependencies.csv", dependencies)));

        Assert.That(merged.StatusCode, Is.EqualTo(HttpStatusCode.OK), await merged.Content.ReadAsStringAsync());
        var change = JsonDocument.Parse((await events.NextAsync()).Data).RootElement.GetProperty("change");
        Assert.That((change.GetProperty("kind").GetString(), change.GetProperty("nodes").GetInt32(), change.GetProperty("changes").GetInt32()),
            Is.EqualTo(("merged", 12_002, 24_000)));
        await using var other = await StartAnotherInstanceAsync();
        var stored = JsonDocument.Parse(await other.Client.GetStringAsync($"/v1/graphs/{graph}")).RootElement;
        Assert.That(stored.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).Take(3), Is.EqualTo(new[] { "app", "db", "s0" }));
        Assert.That(stored.GetProperty("nodes").GetArrayLength(), Is.EqualTo(12_002));
        Assert.That(stored.GetProperty("dependencies").EnumerateArray().Select(d => $"{d.GetProperty("from").GetString()}>{d.GetProperty("to").GetString()}").Take(3),
            Is.EqualTo(new[] { "app>db", "s0>app", "s1>s0" }));
        Assert.That(stored.GetProperty("dependencies").GetArrayLength(), Is.EqualTo(12_001));
    }

    [Test]
    public async Task Warnings_name_file_and_line_strict_refuses_them_and_a_dry_run_stores_nothing()
    {
        var graph = await CreateGraphAsync("nodes:\n  - {id: app, kind: service}\n");
        var version = await VersionAsync(graph);
        var files = Multipart(
            ("nodes.csv", "id,kind\napp,service\napp,service\nweb,Web Site\n"),
            ("dependencies.csv", "from,to\napp,app\napp,nowhere\n"));

        var dry = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&dryRun=true", files));
        var strict = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&strict=true", Multipart(
            ("nodes.csv", "id,kind\napp,service\napp,service\n")));

        var warnings = dry.GetProperty("warnings").EnumerateArray().Select(w => $"{w.GetProperty("code").GetString()} {w.GetProperty("source").GetString()}").ToList();
        Assert.That(warnings, Is.EquivalentTo(new[] { "duplicate nodes.csv:3", "unknown-kind nodes.csv:4", "self-reference dependencies.csv:2", "dangling-reference dependency:app->nowhere" }));
        Assert.That(dry.GetProperty("skipped").GetProperty("nodes").GetInt32(), Is.EqualTo(2));
        Assert.That(dry.GetProperty("document").GetProperty("nodes").GetArrayLength(), Is.EqualTo(1));
        Assert.That((await ProblemOf(strict, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("nodes.csv:3: duplicate"));
        Assert.That(await VersionAsync(graph), Is.EqualTo(version), "neither the dry run nor the strict refusal changed anything");
    }

    [Test]
    public async Task Unreadable_files_unknown_formats_and_zip_bombs_are_refused()
    {
        var graph = NewGraphName();
        var broken = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv", Multipart(("nodes.csv", "id,kind\n\"app,service\n")));
        var unknown = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=visio", Multipart(("nodes.csv", "id,kind\napp,service\n")));
        using var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = zip.CreateEntry("nodes.csv", CompressionLevel.SmallestSize).Open();
            var header = Encoding.UTF8.GetBytes("id,kind\n");
            await entry.WriteAsync(header);
            // Past the default 128 MB of text an import may hold, in about 130 KB of zip.
            var zeros = new byte[1 << 20];
            for (var megabyte = 0; megabyte < 129; megabyte++)
            {
                await entry.WriteAsync(zeros);
            }
        }

        var exploded = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv", new ByteArrayContent(bomb.ToArray()) { Headers = { ContentType = new("application/zip") } });

        Assert.That((await ProblemOf(broken, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Is.EqualTo("nodes.csv, line 2: a quoted field is not closed"));
        Assert.That((await ProblemOf(unknown, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("format: 'visio' is not one of csv"));
        Assert.That((await ProblemOf(exploded, HttpStatusCode.RequestEntityTooLarge)).GetProperty("detail").GetString(), Does.Contain("may hold at most 134,217,728 bytes of text together"));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_tracing_systems_dependencies_import_as_callers_needing_callees()
    {
        var graph = NewGraphName();
        var response = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=jaeger", ApiServer.Json("""
            {"data": [{"parent": "frontend", "child": "route", "callCount": 120}, {"parent": "frontend", "child": "customer", "callCount": 12},
                      {"parent": "customer", "child": "mysql", "callCount": 12}]}
            """));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var report = await JsonOf(response);
        Assert.That((report.GetProperty("format").GetString(), report.GetProperty("nodes").GetProperty("added").GetInt32(), report.GetProperty("dependencies").GetProperty("added").GetInt32()),
            Is.EqualTo(("jaeger", 4, 3)));
        var impact = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes/mysql/impact"));
        Assert.That(impact.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Is.EqualTo(new[] { "customer", "frontend" }));
    }

    [Test]
    public async Task A_backstage_catalog_imports_with_its_relations_and_a_rerun_changes_nothing()
    {
        var graph = NewGraphName();
        const string Catalog = """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: artist-lookup}
            spec: {type: service, dependsOn: ['resource:artists-db'], providesApis: [artist-api]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: artists-db}
            spec: {type: database}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata: {name: artist-api}
            spec: {type: openapi}
            """;

        var first = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=backstage", ApiServer.Yaml(Catalog));
        var again = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/imports?format=backstage", ApiServer.Yaml(Catalog)));

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        var impact = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes/resource:artists-db/impact"));
        Assert.That(impact.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Is.EqualTo(new[] { "component:artist-lookup", "api:artist-api" }));
        Assert.That((again.GetProperty("nodes").GetProperty("unchanged").GetInt32(), again.GetProperty("dependencies").GetProperty("unchanged").GetInt32()), Is.EqualTo((3, 2)));
    }

    [Test]
    public async Task A_saasbom_imports_its_services_and_their_third_party_providers()
    {
        var graph = NewGraphName();
        var response = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=cyclonedx", ApiServer.Json("""
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"bom-ref": "shop", "name": "Shop", "supplier": {"name": "ShopCo"}}},
             "services": [{"bom-ref": "checkout", "name": "Checkout", "provider": {"name": "ShopCo"}},
                          {"bom-ref": "psp", "name": "Payments", "provider": {"name": "PayCorp", "bom-ref": "paycorp"}}],
             "dependencies": [{"ref": "shop", "dependsOn": ["checkout"]}, {"ref": "checkout", "dependsOn": ["psp"]}]}
            """));
        var misplaced = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=csv&components=true", ApiServer.Json("{}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var impact = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes/supplier:paycorp/impact"));
        Assert.That(impact.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Is.EqualTo(new[] { "psp", "checkout", "shop" }));
        Assert.That((await ProblemOf(misplaced, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("components: only for format=cyclonedx"));
    }

    [Test]
    public async Task A_cmdb_export_imports_its_dependencies_and_a_cluster_needing_one_of_its_members()
    {
        var graph = NewGraphName();
        var response = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=servicenow", Multipart(
            ("cmdb_ci.csv", """
                sys_id,name,sys_class_name
                s1,Online banking,cmdb_ci_service_auto
                s2,Core banking DB,cmdb_ci_db_ora_instance
                s3,DB cluster,cmdb_ci_cluster
                s4,db-a,cmdb_ci_linux_server
                s5,db-b,cmdb_ci_linux_server
                """),
            ("cmdb_rel_ci.csv", """
                parent,type,child
                Online banking,Depends on::Used by,Core banking DB
                s2,Hosted on::Hosts,s3
                s3,Members::Member of,s4
                s3,Members::Member of,s5
                s3,Contains::Contained by,s4
                """)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var report = await JsonOf(response);
        Assert.That((report.GetProperty("format").GetString(), report.GetProperty("nodes").GetProperty("added").GetInt32(), report.GetProperty("dependencies").GetProperty("added").GetInt32()),
            Is.EqualTo(("servicenow", 5, 4)));
        Assert.That(report.GetProperty("skipped").GetProperty("Contains::Contained by").GetInt32(), Is.EqualTo(1));
        var impact = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/impact", ApiServer.Json("""{"outages": [{"node": "s4"}, {"node": "s5"}]}""")));
        Assert.That(impact.GetProperty("affected").EnumerateArray().Select(a => (a.GetProperty("id").GetString(), a.GetProperty("state").GetString())),
            Is.EqualTo(new[] { ("s3", "down"), ("s2", "down"), ("s1", "down") }));
    }

    [Test]
    public async Task A_dora_report_package_imports_as_a_zip_and_reaches_down_the_supply_chain()
    {
        const string Bank = "529900T8BM49AURSDO55";
        var package = new MemoryStream();
        using (var zip = new ZipArchive(package, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[]
                     {
                         ("META-INF/reportPackage.json", """{"documentInfo": {"documentType": "https://xbrl.org/report-package/2023"}}"""),
                         ("reports/b_01.02.csv", $"c0010,c0020\n{Bank},Example Bank N.V.\n"),
                         ("reports/b_05.01.csv", "c0010,c0050\nSAAS0000000000000001,Payments SaaS\nIAAS0000000000000002,Cloud\n"),
                         ("reports/b_02.02.csv", $"c0010,c0020,c0030,c0050,c0060,c0180\nARR-1,{Bank},SAAS0000000000000001,F1,eba_TA:S19,eba_ZZ:x796\n"),
                         ("reports/b_05.02.csv", "c0010,c0020,c0030,c0050,c0060\nARR-1,eba_TA:S19,IAAS0000000000000002,2,SAAS0000000000000001\n"),
                     })
            {
                await using var entry = zip.CreateEntry($"register/{name}").Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(text));
            }
        }

        var graph = NewGraphName();
        var response = await Client.PostAsync($"/v1/graphs/{graph}/imports?format=dora", new ByteArrayContent(package.ToArray()) { Headers = { ContentType = new("application/zip") } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var report = await JsonOf(response);
        Assert.That(report.GetProperty("warnings").GetArrayLength(), Is.EqualTo(1), "function F1 is not in this register: its dependency dangles");
        var impact = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes/IAAS0000000000000002/impact"));
        Assert.That(impact.GetProperty("affected").EnumerateArray().Select(a => (a.GetProperty("id").GetString(), a.GetProperty("state").GetString())),
            Is.EqualTo(new[] { ("SAAS0000000000000001", "down"), ("ict:ARR-1:eba_TA:S19", "down"), ($"entity:{Bank}", "degraded") }));
    }

    private static MultipartFormDataContent Multipart(params (string Name, string Text)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, text) in files)
        {
            form.Add(new StringContent(text, Encoding.UTF8, "text/csv"), "file", name);
        }

        return form;
    }

    private async Task<ImpactMap.Core.Model.DependencyGraph> ModelAsync(string graph) =>
        ImpactMap.Core.Documents.GraphDocuments.ToGraph(await ImpactMap.Core.Documents.GraphDocuments.ReadJsonAsync(
            await (await Client.GetAsync($"/v1/graphs/{graph}")).Content.ReadAsStreamAsync()));

    private async Task<long> VersionAsync(string graph) =>
        (await JsonOf(await Client.GetAsync("/v1/graphs"))).EnumerateArray().Single(g => g.GetProperty("name").GetString() == graph).GetProperty("version").GetInt64();
}
