using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Cli.Tests;

/// <summary>The impactmap tool, run as a process against the real service on loopback.</summary>
public sealed class CliTests
{
    private readonly TempFolder _data = new();
    private ApiServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ApiServer.StartAsync(ApiServer.EmbeddedSettings(_data.Path, samples: true));

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Test]
    public async Task Graphs_lists_the_samples()
    {
        var (code, output, _) = await RunAsync("graphs");

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("cloud-region").And.Contain("payment-chain").And.Contain("crowdstrike-2024"));
    }

    [Test]
    public async Task Impact_as_csv_is_the_services_whole_answer_and_as_a_table_names_the_counts()
    {
        var (code, csv, _) = await RunAsync("impact", "cloud-region", "aws-eu-west-1", "--format", "csv");
        var (tableCode, table, _) = await RunAsync("impact", "cloud-region", "crm-cloud", "--outage", "payments-hub=degraded");

        Assert.That(code, Is.Zero);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("id,name,kind,state,depth,impactAt,path"));
        Assert.That(lines, Has.Length.EqualTo(1 + 9), "the README's nine affected");
        Assert.That(lines, Does.Contain("acme-shoppers,Acme's shoppers,customer,degraded,4,PT0S,aws-eu-west-1 > crm-cloud > bank-online > acme-webshop > acme-shoppers"));
        Assert.That(tableCode, Is.Zero);
        Assert.That(table, Does.Contain(" affected: ").And.Contain("bank-contact-centre"));
    }

    [Test]
    public async Task A_refusal_exits_1_with_the_problem_and_a_wrong_command_line_exits_2()
    {
        var (refused, _, refusal) = await RunAsync("impact", "cloud-region", "nobody");
        var (wrong, _, usage) = await RunAsync("impact");
        var (badOutage, _, outage) = await RunAsync("impact", "cloud-region", "--outage", "crm-cloud");
        var (unreachable, _, far) = await RunAsync("graphs", "--url", "http://127.0.0.1:9");

        Assert.That((refused, refusal), Is.EqualTo((1, "422 Unprocessable Entity: The request names unknown node(s): 'nobody'.\n")));
        Assert.That(wrong, Is.EqualTo(2));
        Assert.That(usage, Does.Contain("Required argument 'graph' missing"));
        Assert.That((badOutage, outage.Trim()), Is.EqualTo((2, "--outage crm-cloud: write node=state, the state down, degraded or at-risk")));
        Assert.That(unreachable, Is.EqualTo(1));
        Assert.That(far, Does.StartWith("Cannot reach ImpactMap at http://127.0.0.1:9/"));
    }

    [Test]
    public async Task An_exported_graph_imports_back_through_the_tool()
    {
        var folder = Path.Combine(_data.Path, "export");
        Directory.CreateDirectory(folder);
        var zip = Path.Combine(folder, "cloud-region.zip");
        var (exported, said, _) = await RunAsync("export", "cloud-region", "--format", "csv", "-o", zip);
        ZipFile.ExtractToDirectory(zip, Path.Combine(folder, "files"));
        var (dry, dryReport, _) = await RunAsync("import", "csv", Path.Combine(folder, "files"), "--graph", "copy-of-cloud-region", "--dry-run");
        var (imported, report, _) = await RunAsync("import", "csv", Path.Combine(folder, "files"), "--graph", "copy-of-cloud-region");

        Assert.That(exported, Is.Zero);
        Assert.That(said, Does.StartWith("Wrote "));
        Assert.That(dry, Is.Zero);
        Assert.That(dryReport, Does.Contain("Dry run: nothing was stored."));
        Assert.That(imported, Is.Zero, report);
        Assert.That(report, Does.Contain("Graph copy-of-cloud-region is at version"));
        var sent = System.Text.RegularExpressions.Regex.Match(report, @"Uploaded 2 file\(s\), ([\d,]+) bytes");
        Assert.That(sent.Success, Is.True, report);
        var bytes = Directory.GetFiles(Path.Combine(folder, "files")).Sum(f => new FileInfo(f).Length);
        Assert.That(long.Parse(sent.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture),
            Is.InRange(bytes, bytes + 1000), "the files' bytes went out streamed and counted, with the multipart boundaries and part headers around them");
        var copy = await _server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/v1/graphs/copy-of-cloud-region");
        Assert.That(copy.GetProperty("nodes").GetArrayLength(), Is.EqualTo(13));
    }

    [Test]
    public async Task In_a_terminal_the_upload_draws_a_progress_bar_that_reaches_the_whole_body()
    {
        var folder = Path.Combine(_data.Path, "terminal");
        Directory.CreateDirectory(folder);
        // Big enough that the bar is drawn while it fills: 20,000 nodes.
        await File.WriteAllTextAsync(Path.Combine(folder, "nodes.csv"), "id,name,kind\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"n{i},Node {i},service\n")));

        // script(1) gives the tool a pseudo-terminal, so it draws as it would for a person.
        var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qec", $"dotnet {Tool} import csv {folder} --graph from-a-terminal --url {_server.Address}", "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["COLUMNS"] = "160";
        info.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.Zero, output);
        // The first frame may come only once the upload is through, so "Uploading" is not always drawn.
        Assert.That(output, Does.Contain("1 file(s)").And.Contain("100%").And.Contain("importing"), output);
        Assert.That(output, Does.Contain("\u001b["), "drawn with terminal control codes, not printed as lines");
        Assert.That(output, Does.Contain("Graph from-a-terminal is at version"));
    }

    [Test]
    public async Task Watch_prints_an_incident_as_it_is_opened()
    {
        using var watch = Start("watch", "payment-chain");
        var lines = new StringBuilder();
        var seen = new TaskCompletionSource();
        watch.OutputDataReceived += (_, e) =>
        {
            lock (lines)
            {
                lines.AppendLine(e.Data);
            }

            if (e.Data?.Contains("incident.opened", StringComparison.Ordinal) == true)
            {
                seen.TrySetResult();
            }
        };
        watch.BeginOutputReadLine();
        // Opened until the watcher has seen one: the stream starts from its connection, so an early one can be missed.
        for (var attempt = 0; attempt < 20 && !seen.Task.IsCompleted; attempt++)
        {
            using var opened = await _server.Client.PostAsync("/v1/graphs/payment-chain/incidents",
                ApiServer.Json("""{"title":"Watched from a terminal","outages":[{"node":"visa"}]}"""));
            await Task.WhenAny(seen.Task, Task.Delay(500));
        }

        watch.Kill();
        Assert.That(seen.Task.IsCompleted, Is.True, lines.ToString());
        Assert.That(lines.ToString(), Does.Contain("Watched from a terminal"));
    }

    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Tool);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (!args.Contains("--url"))
        {
            info.ArgumentList.Add("--url");
            info.ArgumentList.Add(_server.Address.ToString());
        }

        // Wide enough that tables do not wrap what the tests read.
        info.Environment["COLUMNS"] = "400";
        return Process.Start(info)!;
    }

    private async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, (await errors).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    private static string Tool { get; } = FindTool();

    private static string FindTool()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(SampleCorpus.RepositoryRoot, "src", "ImpactMap.Cli", "bin", configuration, "net10.0", "impactmap.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }
}
