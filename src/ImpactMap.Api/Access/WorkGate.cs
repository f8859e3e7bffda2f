using ImpactMap.Api.Hosting;

namespace ImpactMap.Api.Access;

/// <summary>The most heavy requests in flight at once: <c>ImpactMap:Work</c>.</summary>
public sealed class WorkOptions
{
    /// <summary>Analyses (resilience, criticality, exposure) running at once, over all callers; 0: twice the cores.</summary>
    public int MaxAnalyses { get; set; }

    /// <summary>Analyses one caller (a key, or an address when access is open) runs at once; 0: the cores.</summary>
    public int MaxAnalysesPerCaller { get; set; }

    /// <summary>
    /// Imports reading their files at once, over all callers, counted in bytes of <see cref="ImpactMapOptions.MaxImportBytes"/>:
    /// an import of a known plain size takes that size, a zip, a form or a body of unknown length the whole bound.
    /// 1 lets one import of the largest size run at a time (about 600 MB at its peak), and small ones beside each other.
    /// </summary>
    public int MaxImportShares { get; set; } = 1;
}

/// <summary>
/// Heavy work held to a few requests at a time and refused before it starts: 30 concurrent resilience analyses from
/// one reader each ran into the 30 s budget on two cores (answering 503 after 31-43 s) while a 5 ms query waited 9 s
/// for a thread and the process reached 1.86 GB. Past a bound the answer is 503 with Retry-After at once.
/// </summary>
public sealed class WorkGate(Microsoft.Extensions.Options.IOptions<ImpactMapOptions> options, MemoryReclaimer reclaimer)
{
    // Every count below is read and written under _sync only.
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private readonly object _sync = new();
    private int _analyses;
    private long _importBytes;

    private int MaxAnalyses => options.Value.Work.MaxAnalyses > 0 ? options.Value.Work.MaxAnalyses : 2 * Environment.ProcessorCount;

    private int MaxPerCaller => options.Value.Work.MaxAnalysesPerCaller > 0 ? options.Value.Work.MaxAnalysesPerCaller : Environment.ProcessorCount;

    /// <summary>A place for one analysis of this request's caller, or a 503 when there is none.</summary>
    public IDisposable EnterAnalysis(HttpContext context)
    {
        var caller = CallerKey(context);
        lock (_sync)
        {
            var mine = _perCaller.GetValueOrDefault(caller);
            if (mine >= MaxPerCaller)
            {
                throw Busy($"{AccessControl.CallerOf(context).KeyId} already runs {mine} analyses, the most one caller may run at once");
            }

            if (_analyses >= MaxAnalyses)
            {
                throw Busy($"{_analyses} analyses are running, the most this instance runs at once");
            }

            _perCaller[caller] = mine + 1;
            _analyses++;
        }

        return new Release(() =>
        {
            lock (_sync)
            {
                _analyses--;
                if (_perCaller[caller] == 1)
                {
                    _perCaller.Remove(caller);
                }
                else
                {
                    _perCaller[caller]--;
                }
            }
        });
    }

    /// <summary>Room for an import's files, or a 503 when the imports running hold it.</summary>
    public IDisposable EnterImport(HttpRequest request)
    {
        var bound = options.Value.MaxImportBytes * Math.Max(1, options.Value.Work.MaxImportShares);
        var plain = request.ContentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true
                    || request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
                    || request.ContentType?.StartsWith("application/yaml", StringComparison.OrdinalIgnoreCase) == true;
        var bytes = plain && request.ContentLength is { } length ? Math.Min(length, options.Value.MaxImportBytes) : options.Value.MaxImportBytes;
        lock (_sync)
        {
            if (_importBytes > 0 && _importBytes + bytes > bound)
            {
                throw Busy("other imports are reading their files; one of the largest size runs at a time");
            }

            _importBytes += bytes;
        }

        reclaimer.BeforeLargeRead(bytes);

        return new Release(() =>
        {
            lock (_sync)
            {
                _importBytes -= bytes;
            }
        });
    }

    private static string CallerKey(HttpContext context) =>
        context.Features.Get<Caller>() is { } caller ? $"key:{caller.KeyId}" : $"address:{context.Connection.RemoteIpAddress}";

    private static ApiProblem Busy(string why) =>
        new(StatusCodes.Status503ServiceUnavailable, "Busy", $"Not started: {why}. Retry after a few seconds.");

    private sealed class Release(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }
        }
    }
}

/// <summary>Marks the routes whose work <see cref="WorkGate"/> holds to a few at a time.</summary>
public static class WorkGateRoutes
{
    /// <summary>An analysis: a place of the caller's and of the instance's is taken before the handler runs.</summary>
    public static RouteHandlerBuilder HeavyAnalysis(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            using var place = context.HttpContext.RequestServices.GetRequiredService<WorkGate>().EnterAnalysis(context.HttpContext);
            return await next(context);
        }).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
