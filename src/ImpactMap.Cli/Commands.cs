using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace ImpactMap.Cli;

/// <summary>The command line was wrong in a way the parser cannot see (a bad --outage, a missing file).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The commands, each a thin layer over one API call.</summary>
public static class Commands
{
    private static readonly string[] States = ["down", "degraded", "at-risk"];

    public static IEnumerable<Command> All(Func<ParseResult, ServerClient> client)
    {
        yield return Graphs(client);
        yield return Impact(client);
        yield return Exposure(client);
        yield return Export(client);
        yield return Import(client);
        yield return Watch(client);
    }

    /// <summary>Runs an action: 0 when it completes, 1 when the service refuses, 2 for a usage error.</summary>
    private static Func<ParseResult, CancellationToken, Task<int>> Guarded(Func<ParseResult, CancellationToken, Task> action) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                await action(parse, cancellationToken);
                return 0;
            }
            catch (ServerRefusedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        };

    private static Command Graphs(Func<ParseResult, ServerClient> client)
    {
        var command = new Command("graphs", "List the graphs with their size and version");
        command.SetAction(Guarded(async (parse, token) =>
        {
            using var server = client(parse);
            var table = new Table().AddColumns("Graph", "Nodes", "Dependencies", "Version");
            foreach (var g in (await server.GetJsonAsync("/v1/graphs", token)).EnumerateArray())
            {
                table.AddRow(Markup.Escape(g.GetProperty("name").GetString()!), g.GetProperty("nodes").ToString(),
                    g.GetProperty("dependencies").ToString(), g.GetProperty("version").ToString());
            }

            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static Command Impact(Func<ParseResult, ServerClient> client)
    {
        var graph = new Argument<string>("graph") { Description = "The graph" };
        var nodes = new Argument<string[]>("node") { Description = "Nodes that fail (ids may contain ':')", Arity = ArgumentArity.ZeroOrMore };
        var state = new Option<string>("--state") { Description = "How the nodes fail: down, degraded or at-risk", DefaultValueFactory = _ => "down" };
        state.AcceptOnlyFromAmong(States);
        var outages = new Option<string[]>("--outage") { Description = "Another outage as node=state (repeatable)", AllowMultipleArgumentsPerToken = false };
        var duration = new Option<string?>("--duration") { Description = "How long it lasts, ISO 8601 (PT2H)" };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var command = new Command("impact", "Who goes down, is degraded or at risk when these nodes fail, and why") { graph, nodes, state, outages, duration, format };
        command.SetAction(Guarded(async (parse, token) =>
        {
            var asked = (parse.GetValue(nodes) ?? []).Select(n => new { node = n, state = parse.GetValue(state) ?? "down" }).ToList();
            foreach (var outage in parse.GetValue(outages) ?? [])
            {
                var at = outage.LastIndexOf('=');
                if (at <= 0 || !States.Contains(outage[(at + 1)..]))
                {
                    throw new UsageException($"--outage {outage}: write node=state, the state down, degraded or at-risk");
                }

                asked.Add(new { node = outage[..at], state = outage[(at + 1)..] });
            }

            if (asked.Count == 0)
            {
                throw new UsageException("Name at least one node that fails, or an --outage.");
            }

            using var server = client(parse);
            var path = $"/v1/graphs/{Uri.EscapeDataString(parse.GetValue(graph)!)}/impact";
            var body = new Dictionary<string, object?> { ["outages"] = asked, ["duration"] = parse.GetValue(duration), ["limit"] = 100_000, ["paths"] = "full" };
            switch (parse.GetValue(format))
            {
                case "csv":
                    Console.Write(await server.SendTextAsync(HttpMethod.Post, path, ServerClient.JsonContent(body), "text/csv", token));
                    return;
                case "json":
                    Console.WriteLine(await server.SendTextAsync(HttpMethod.Post, path, ServerClient.JsonContent(body), "application/json", token));
                    return;
            }

            var answer = await server.PostJsonAsync(path, body, token);
            var counts = answer.GetProperty("counts");
            AnsiConsole.MarkupLine($"[bold]{answer.GetProperty("total")}[/] affected: {counts.GetProperty("down")} down, {counts.GetProperty("degraded")} degraded, {counts.GetProperty("atRisk")} at risk");
            var table = new Table().AddColumns("Node", "Kind", "State", "Depth", "Hit after", "Chain");
            foreach (var a in answer.GetProperty("affected").EnumerateArray())
            {
                table.AddRow(Markup.Escape(a.GetProperty("id").GetString()!), a.GetProperty("kind").GetString()!, a.GetProperty("state").GetString()!,
                    a.GetProperty("depth").ToString(), a.GetProperty("impactAt").GetString()!,
                    Markup.Escape(string.Join(" > ", a.GetProperty("path").EnumerateArray().Select(p => p.GetString()))));
            }

            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static Command Exposure(Func<ParseResult, ServerClient> client)
    {
        var graph = new Argument<string>("graph");
        var node = new Argument<string>("node");
        var command = new Command("exposure", "Everything a node depends on, and which alone take it down") { graph, node };
        command.SetAction(Guarded(async (parse, token) =>
        {
            using var server = client(parse);
            var answer = await server.GetJsonAsync($"/v1/graphs/{Uri.EscapeDataString(parse.GetValue(graph)!)}/nodes/{Uri.EscapeDataString(parse.GetValue(node)!)}/exposure", token);
            AnsiConsole.MarkupLine($"[bold]{answer.GetProperty("singlePointsOfFailure")}[/] single point(s) of failure");
            var table = new Table().AddColumns("Provider", "Kind", "Depth", "If it alone fails", "Single point of failure");
            foreach (var p in answer.GetProperty("providers").EnumerateArray())
            {
                table.AddRow(Markup.Escape(p.GetProperty("id").GetString()!), p.GetProperty("kind").GetString()!, p.GetProperty("depth").ToString(),
                    p.GetProperty("stateIfAloneFails").GetString()!, p.GetProperty("singlePointOfFailure").GetBoolean() ? "yes" : "no");
            }

            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static Command Export(Func<ParseResult, ServerClient> client)
    {
        var graph = new Argument<string>("graph");
        var format = new Option<string>("--format") { Description = "csv (a zip of two files), dot or graphml", Required = true };
        format.AcceptOnlyFromAmong("csv", "dot", "graphml");
        var output = new Option<FileInfo>("--output", "-o") { Description = "The file to write", Required = true };
        var command = new Command("export", "Write a graph as CSV, DOT or GraphML") { graph, format, output };
        command.SetAction(Guarded(async (parse, token) =>
        {
            var accept = parse.GetValue(format) switch { "csv" => "text/csv", "dot" => "text/vnd.graphviz", _ => "application/graphml+xml" };
            using var server = client(parse);
            var bytes = await server.GetBytesAsync($"/v1/graphs/{Uri.EscapeDataString(parse.GetValue(graph)!)}", accept, token);
            await File.WriteAllBytesAsync(parse.GetValue(output)!.FullName, bytes, token);
            Console.WriteLine($"Wrote {bytes.Length:N0} bytes to {parse.GetValue(output)!.FullName}");
        }));
        return command;
    }

    private static Command Import(Func<ParseResult, ServerClient> client)
    {
        var format = new Argument<string>("format") { Description = "csv, jaeger, backstage, cyclonedx, servicenow or dora" };
        var paths = new Argument<string[]>("files") { Description = "Files, or folders of them", Arity = ArgumentArity.OneOrMore };
        var graph = new Option<string>("--graph") { Description = "The graph to import into", Required = true };
        var merge = new Option<bool>("--merge") { Description = "Add and update by id, delete nothing (the default when the graph exists)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would change; store nothing" };
        var command = new Command("import", "Import files into a graph and report what changed") { format, paths, graph, merge, dryRun };
        command.SetAction(Guarded(async (parse, token) =>
        {
            var files = (parse.GetValue(paths) ?? []).SelectMany<string, string>(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : [p]).ToList();
            foreach (var missing in files.Where(f => !File.Exists(f)))
            {
                throw new UsageException($"No such file: {missing}");
            }

            var form = new MultipartFormDataContent();
            foreach (var file in files)
            {
                // Streamed from disk as it is sent, not read into memory first.
                form.Add(new StreamContent(File.OpenRead(file)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", Path.GetFileName(file));
            }

            var query = $"format={Uri.EscapeDataString(parse.GetValue(format)!)}{(parse.GetValue(merge) ? "&mode=merge" : "")}{(parse.GetValue(dryRun) ? "&dryRun=true" : "")}";
            using var server = client(parse);
            // The whole body, boundaries and part headers included: what the progress counts.
            var total = form.Headers.ContentLength ?? files.Sum(f => new FileInfo(f).Length);
            var path = $"/v1/graphs/{Uri.EscapeDataString(parse.GetValue(graph)!)}/imports?{query}";
            long sent = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string text;
            if (AnsiConsole.Profile.Capabilities.Interactive)
            {
                text = "";
                await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .StartAsync(async progress =>
                    {
                        var upload = progress.AddTask($"Uploading {files.Count} file(s)", maxValue: Math.Max(total, 1));
                        using var body = new ProgressContent(form, bytes =>
                        {
                            sent = bytes;
                            upload.Value = Math.Min(bytes, upload.MaxValue);
                            if (bytes >= total)
                            {
                                // All sent: what is left is the server's reading and storing.
                                upload.Description = $"Uploaded {files.Count} file(s), importing";
                            }
                        });
                        text = await server.SendTextAsync(HttpMethod.Post, path, body, "application/json", token);
                    });
            }
            else
            {
                // Not a terminal (a pipe, a CI log): no bar to redraw, the figures below say what went.
                using var body = new ProgressContent(form, bytes => sent = bytes);
                text = await server.SendTextAsync(HttpMethod.Post, path, body, "application/json", token);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Uploaded {files.Count} file(s), {sent:N0} bytes; answered in {clock.Elapsed.TotalSeconds:0.0} s."));
            var report = JsonDocument.Parse(text).RootElement;
            var table = new Table().AddColumns("", "Added", "Updated", "Removed", "Unchanged");
            foreach (var part in new[] { "nodes", "dependencies" })
            {
                var counts = report.GetProperty(part);
                table.AddRow(part, counts.GetProperty("added").ToString(), counts.GetProperty("updated").ToString(), counts.GetProperty("removed").ToString(), counts.GetProperty("unchanged").ToString());
            }

            AnsiConsole.Write(table);
            foreach (var warning in report.GetProperty("warnings").EnumerateArray())
            {
                AnsiConsole.MarkupLine($"[yellow]warning[/] {Markup.Escape(warning.GetProperty("source").GetString()!)}: {Markup.Escape(warning.GetProperty("message").GetString()!)}");
            }

            Console.WriteLine(parse.GetValue(dryRun) ? "Dry run: nothing was stored." : $"Graph {report.GetProperty("graph")} is at version {report.GetProperty("version")}.");
        }));
        return command;
    }

    private static Command Watch(Func<ParseResult, ServerClient> client)
    {
        var graph = new Argument<string>("graph");
        var command = new Command("watch", "Print incidents and graph changes as they happen (Ctrl+C to stop)") { graph };
        command.SetAction(Guarded(async (parse, token) =>
        {
            using var server = client(parse);
            await using var stream = await server.OpenStreamAsync($"/v1/graphs/{Uri.EscapeDataString(parse.GetValue(graph)!)}/events", "text/event-stream", token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var type = "message";
            try
            {
                for (var line = await reader.ReadLineAsync(token); line is not null; line = await reader.ReadLineAsync(token))
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line["event: ".Length..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        Console.WriteLine($"{DateTimeOffset.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {type} {line["data: ".Length..]}");
                        await Console.Out.FlushAsync(token);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C: the user is done watching.
            }
        }));
        return command;
    }
}
