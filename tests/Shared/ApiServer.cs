using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace ImpactMap.Tests.Shared;

/// <summary>
/// The real service in its own process on a loopback port chosen by Kestrel, with its own data folder.
/// Stop it gracefully or kill it (SIGKILL) to test what survives.
/// </summary>
public sealed partial class ApiServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ApiServer(Process process, StringBuilder output, Uri address)
    {
        _process = process;
        _output = output;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Each error the service logged in a few lines: the log line, the exception's type and message, and the
    /// first frames of our own code. Short enough to survive a CI log that keeps only its tail.
    /// </summary>
    public string ErrorSummary
    {
        get
        {
            var summary = new StringBuilder();
            var frames = -1;
            foreach (var line in Output.Split('\n'))
            {
                if (IsLogLine(line))
                {
                    frames = IsError(line) ? 0 : -1;
                    if (frames == 0)
                    {
                        summary.AppendLine(line.Length > 300 ? line[..300] : line);
                    }
                }
                else if (frames >= 0 && (!line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || (line.Contains("ImpactMap.", StringComparison.Ordinal) && frames++ < 4)))
                {
                    summary.AppendLine(line.Length > 300 ? line[..300] : line);
                }
            }

            return summary.Length == 0 ? "(no errors logged)" : summary.ToString();
        }
    }

    /// <summary>What to show when a test fails: every error the service logged, with its stack, then the last of its output.</summary>
    public string Diagnosis
    {
        get
        {
            var lines = Output.Split('\n');
            var errors = new StringBuilder();
            var inError = false;
            foreach (var line in lines)
            {
                inError = IsLogLine(line) ? IsError(line) : inError;
                if (inError && errors.Length < 16_000)
                {
                    errors.AppendLine(line);
                }
            }

            var output = Output;
            return $"errors logged:\n{errors}\nlast output:\n{output[^Math.Min(output.Length, 4000)..]}";
        }
    }

    // Serilog's console lines start with "[HH:mm:ss LVL]"; an error's stack follows on lines without that prefix.
    private static bool IsLogLine(string line) => line.StartsWith('[') && line.Length > 13 && line[9] == ' ';

    private static bool IsError(string line) => line.AsSpan(10, 3) is "ERR" or "FTL";

    /// <summary>Starts the service with these settings (e.g. "ImpactMap:DataDirectory" = a temp folder).</summary>
    public static async Task<ApiServer> StartAsync(IReadOnlyDictionary<string, string> settings, string urls = "http://127.0.0.1:0")
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ApiAssembly)!,
        };
        info.ArgumentList.Add(ApiAssembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(urls);
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(info)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        void OnLine(string? line)
        {
            if (line is null)
            {
                listening.TrySetException(new InvalidOperationException("the service exited before listening:\n" + output));
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var winner = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(90)));
        if (winner != listening.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the service did not start listening within 90 s:\n" + output);
        }

        return new ApiServer(process, output, await listening.Task);
    }

    /// <summary>Settings for a fresh store in a new temp folder, with or without the sample graphs.</summary>
    public static Dictionary<string, string> EmbeddedSettings(string dataDirectory, bool samples) => new()
    {
        ["ImpactMap:DataDirectory"] = dataDirectory,
        ["ImpactMap:SampleGraphs"] = samples ? SampleCorpus.GraphsFolder : "",
        ["ImpactMap:AuditLog"] = Path.Combine(dataDirectory, "audit.log"),
        // Tests that measure rate limits turn them on themselves; the rest send bursts on purpose.
        ["ImpactMap:RateLimit:PermitsPerSecond"] = "0",
    };

    /// <summary>The most memory the service process has held resident so far (Linux's VmHWM), in bytes.</summary>
    public long PeakResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    /// <summary>CPU time the service process has used so far (user and system, from /proc), to see whether it is still working.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush; what was acknowledged must already be on disk.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops a service: the host drains, then exits.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Whether the process has exited within <paramref name="time"/>.</summary>
    public bool ExitsWithin(TimeSpan time) => _process.WaitForExit(time);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Yaml(string yaml) => new(yaml, Encoding.UTF8, new MediaTypeHeaderValue("application/yaml"));

    private static string ApiAssembly { get; } = FindApiAssembly();

    private static string FindApiAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        var path = Path.Combine(SampleCorpus.RepositoryRoot, "src", "ImpactMap.Api", "bin", configuration, "net10.0", "ImpactMap.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
