using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Core.Documents;

namespace ImpactMap.Bench;

/// <summary>
/// A fixed-rate (open-loop) load of mixed requests against a running service: the given share of writes (new
/// nodes), and of the rest two thirds reads (a node, a filtered page, an exposure) and one third impact queries. Requests start on schedule whether or not earlier ones have
/// answered. Every acknowledged write goes into a ledger, checked against the service afterwards.
/// </summary>
internal static class LoadTest
{
    public static async Task<int> RunAsync(Uri url, int rate, TimeSpan duration, double writeShare, string? key)
    {
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var graph = "load-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var model = TieredGraphs.Generate(20_000, withTolerances: true);
        var put = await client.PutAsync($"/v1/graphs/{graph}", new StringContent(GraphDocuments.ToJson(GraphDocuments.FromGraph(model)), Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
        var ids = model.Nodes.Select(n => n.Id).ToArray();

        var statuses = new ConcurrentDictionary<int, int>();
        var latencies = new ConcurrentBag<double>();
        var ledger = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        var inFlight = 0;
        var skipped = 0;
        var sequence = 0;
        var tasks = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            var due = interval * n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            if (Volatile.Read(ref inFlight) > 512)
            {
                skipped++;
                continue;
            }

            Interlocked.Increment(ref inFlight);
            var roll = Random.Shared.NextDouble();
            tasks.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    HttpResponseMessage response;
                    string? written = null;
                    var readShare = (1 - writeShare) * 2 / 3;
                    if (roll < readShare)
                    {
                        response = Random.Shared.Next(3) switch
                        {
                            0 => await client.GetAsync($"/v1/graphs/{graph}/nodes/{ids[Random.Shared.Next(ids.Length)]}"),
                            1 => await client.GetAsync($"/v1/graphs/{graph}/nodes?limit=50&kind=customer"),
                            _ => await client.GetAsync($"/v1/graphs/{graph}/nodes/{ids[Random.Shared.Next(ids.Length)]}/exposure"),
                        };
                    }
                    else if (roll < 1 - writeShare)
                    {
                        // Mostly the upper tiers, where outages reach far.
                        var origin = ids[(int)(Math.Pow(Random.Shared.NextDouble(), 3) * ids.Length)];
                        response = await client.PostAsJsonAsync($"/v1/graphs/{graph}/impact", new { outages = new[] { new { node = origin } }, limit = 100 });
                    }
                    else
                    {
                        written = $"w{Interlocked.Increment(ref sequence)}";
                        response = await client.PostAsJsonAsync($"/v1/graphs/{graph}/nodes", new { id = written, kind = "customer" });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            ledger.Add(written);
                        }
                    }

                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
                    }

                    response.Dispose();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    statuses.AddOrUpdate(0, 1, (_, c) => c + 1);
                    failures.Add(e.Message);
                }
                finally
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Decrement(ref inFlight);
                }
            }));
        }

        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;

        // The ledger: every write that was acknowledged must be there.
        var stored = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/nodes?limit=1000&kind=customer{(cursor is null ? "" : "&cursor=" + cursor)}");
            foreach (var node in page.GetProperty("items").EnumerateArray())
            {
                stored.Add(node.GetProperty("id").GetString()!);
            }

            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        var missing = ledger.Count(id => !stored.Contains(id));
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        var total = statuses.Values.Sum();
        var fiveHundreds = statuses.Where(s => s.Key >= 500 || s.Key == 0).Sum(s => s.Value);
        Console.WriteLine($"| target rate | {rate}/s for {duration.TotalSeconds:0} s, {writeShare:P0} writes |");
        Console.WriteLine($"| sent | {total:N0} in {elapsed.TotalSeconds:0} s ({total / elapsed.TotalSeconds:0}/s); {skipped} not sent (over 512 in flight) |");
        Console.WriteLine($"| statuses | {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(CultureInfo.InvariantCulture))}: {s.Value:N0}"))} |");
        Console.WriteLine($"| 5xx or no answer | {fiveHundreds} |");
        Console.WriteLine($"| latency p50 / p95 / p99 / max | {Percentile(0.5):0.0} / {Percentile(0.95):0.0} / {Percentile(0.99):0.0} / {sorted.LastOrDefault():0} ms |");
        Console.WriteLine($"| ledger | {ledger.Count:N0} acknowledged writes, {missing} missing afterwards |");
        foreach (var failure in failures.Take(5))
        {
            Console.WriteLine("failure: " + failure);
        }

        return fiveHundreds == 0 && missing == 0 ? 0 : 1;
    }
}
