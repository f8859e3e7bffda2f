using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Core.Storage;
using Polly.Timeout;

namespace ImpactMap.Storage.Neo4j;

/// <summary>A Cypher statement with its parameters.</summary>
internal sealed record Statement(string Text, IReadOnlyDictionary<string, object?>? Parameters = null);

/// <summary>
/// Neo4j's HTTP Cypher transaction API: discovers the server's version and endpoint (3.x
/// /db/data/transaction, 4.x and 5.x /db/{database}/tx), runs statements in auto-committed or explicit
/// transactions, and turns network failures, timeouts and Neo4j's transient errors into
/// <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed class Neo4jHttp(HttpClient reads, HttpClient writes, Neo4jStoreOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _reads = reads;
    private readonly HttpClient _writes = writes;
    private readonly Neo4jStoreOptions _options = options;
    private string? _transactionEndpoint;

    public int MajorVersion { get; private set; }

    public string? Version { get; private set; }

    public async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        var root = await GetJsonAsync(_options.Url, cancellationToken);
        if (root.TryGetProperty("transaction", out var template) && root.TryGetProperty("neo4j_version", out var version))
        {
            // 4.x and 5.x: "http://host:7474/db/{databaseName}/tx"
            _transactionEndpoint = template.GetString()!.Replace("{databaseName}", Uri.EscapeDataString(_options.Database), StringComparison.Ordinal);
            Version = version.GetString();
        }
        else if (root.TryGetProperty("data", out var data))
        {
            var service = await GetJsonAsync(new Uri(data.GetString()!), cancellationToken);
            _transactionEndpoint = service.GetProperty("transaction").GetString();
            Version = service.GetProperty("neo4j_version").GetString();
        }
        else
        {
            throw new StoreUnavailableException($"{_options.Url} does not look like Neo4j's HTTP API");
        }

        // Use our configured address rather than the one the server advertises (it may name another host).
        _transactionEndpoint = new Uri(_options.Url, new Uri(_transactionEndpoint!).PathAndQuery).ToString().TrimEnd('/');
        MajorVersion = int.Parse(Version!.Split('.')[0], CultureInfo.InvariantCulture);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetJsonAsync(_options.Url, cancellationToken);
            return true;
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs statements in one auto-committed transaction; _reads may be retried by the read client's policy.
    /// <paramref name="rerunnable"/> statements change nothing a second run would not (reads, reads that take a
    /// lock, the sweep's deletes): one that tripped over a concurrent delete is reported as transient for them.
    /// </summary>
    public async Task<IReadOnlyList<Result>> CommitAsync(IReadOnlyList<Statement> statements, bool isRead, CancellationToken cancellationToken, bool rerunnable = false) =>
        (await PostAsync(isRead ? _reads : _writes, $"{_transactionEndpoint}/commit", statements, cancellationToken, isRead || rerunnable)).Results;

    /// <summary>Opens an explicit transaction with its first statements.</summary>
    public async Task<(Transaction Transaction, IReadOnlyList<Result> Results)> BeginAsync(
        IReadOnlyList<Statement> statements, CancellationToken cancellationToken, bool rerunnable = false)
    {
        var (results, location) = await PostAsync(_writes, _transactionEndpoint!, statements, cancellationToken, rerunnable);
        return (new Transaction(this, location ?? throw new StoreUnavailableException("Neo4j opened no transaction"), rerunnable), results);
    }

    internal sealed class Transaction(Neo4jHttp http, string location, bool rerunnable)
    {
        public async Task<IReadOnlyList<Result>> RunAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken) =>
            (await http.PostAsync(http._writes, location, statements, cancellationToken, rerunnable)).Results;

        public async Task<IReadOnlyList<Result>> CommitAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken) =>
            (await http.PostAsync(http._writes, $"{location}/commit", statements, cancellationToken, rerunnable)).Results;

        public async Task RollbackAsync()
        {
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await http._writes.DeleteAsync(new Uri(location), cancel.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Neo4j rolls back an abandoned transaction itself when it times out.
            }
        }
    }

    /// <summary>The rows of one statement's result, each a JSON array of the returned columns.</summary>
    internal sealed record Result(IReadOnlyList<JsonElement> Rows);

    // The transaction API's answer, as far as it is read; each row's "meta" is skipped unread.
    private sealed record Answer(List<AnswerResult>? Results, List<AnswerError>? Errors);

    private sealed record AnswerResult(List<AnswerRow>? Data);

    private sealed record AnswerRow(JsonElement Row);

    private sealed record AnswerError(string? Code, string? Message);

    /// <summary>A returned text column that may be null.</summary>
    internal static string? TextOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetString();

    private async Task<(IReadOnlyList<Result> Results, string? Location)> PostAsync(
        HttpClient client, string url, IReadOnlyList<Statement> statements, CancellationToken cancellationToken, bool rerunnable = false)
    {
        var body = new
        {
            statements = statements.Select(s => new { statement = s.Text, parameters = s.Parameters ?? new Dictionary<string, object?>() }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Json) };
        Authorize(request);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new StoreUnavailableException($"Neo4j answered {(int)response.StatusCode} to {request.Method} {new Uri(url).AbsolutePath}");
            }

            // Read as it streams in, each row into a small document of its own: a whole graph's answer (a million
            // rows, 100 MB of JSON) is never held as one document beside the rows taken from it.
            var answer = await JsonSerializer.DeserializeAsync<Answer>(await response.Content.ReadAsStreamAsync(cancellationToken), Json, cancellationToken)
                         ?? throw new StoreUnavailableException($"Neo4j answered null to {request.Method} {new Uri(url).AbsolutePath}");
            if (answer.Errors is [var error, ..])
            {
                var code = error.Code ?? "";
                var message = $"{code}: {error.Message}";
                // A transaction Neo4j no longer has (idle too long, or ended by the server) committed nothing: run it again whole.
                // Neo4j reads committed data without snapshots, so a read can trip over what a concurrent delete (our sweep)
                // just removed: 5.x calls that transient, 3.x an unknown or entity-not-found error. A read may run again.
                throw code.StartsWith("Neo.TransientError", StringComparison.Ordinal) || code.StartsWith("Neo.ClientError.Transaction.TransactionNotFound", StringComparison.Ordinal)
                      || (rerunnable && code is "Neo.DatabaseError.General.UnknownError" or "Neo.ClientError.Statement.EntityNotFound")
                    ? new TransientNeo4jException(message)
                    : code.StartsWith("Neo.DatabaseError", StringComparison.Ordinal)
                        ? new StoreUnavailableException(message)
                        : new InvalidOperationException("Neo4j refused a statement: " + message);
            }

            var results = (answer.Results ?? []).Select(r => new Result((r.Data ?? []).Select(d => d.Row).ToList())).ToList();
            return (results, response.Headers.Location?.ToString());
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    private async Task<JsonElement> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        Authorize(request);
        try
        {
            using var response = await _reads.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new StoreUnavailableException($"Neo4j answered {(int)response.StatusCode} to GET {url}");
            }

            return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).Clone();
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Refused, reset, timed out (by the client or the resilience pipeline): not the caller cancelling.</summary>
    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or TimeoutRejectedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private StoreUnavailableException Unavailable(Exception e) =>
        e is HttpRequestException
            ? new StoreUnavailableException($"Neo4j at {_options.Url} cannot be reached: {e.Message}", e)
            : new StoreUnavailableException($"Neo4j at {_options.Url} did not answer in time", e);

    private void Authorize(HttpRequestMessage request)
    {
        if (_options.User is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.User}:{_options.Password}")));
        }
    }
}

/// <summary>
/// Neo4j said the transaction failed for a passing reason (a deadlock, a lock timeout) and was rolled back:
/// the whole transaction may be tried again.
/// </summary>
internal sealed class TransientNeo4jException(string message) : Exception(message);
