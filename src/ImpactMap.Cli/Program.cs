using System.CommandLine;
using ImpactMap.Cli;

// impactmap: ImpactMap from a terminal. Exit codes: 0 done, 1 the service refused (its problem's detail is
// printed) or could not be reached, 2 the command line is wrong.
var url = new Option<string>("--url") { Description = "The ImpactMap service", DefaultValueFactory = _ => "http://localhost:5080", Recursive = true };
var apiKey = new Option<string?>("--api-key")
{
    Description = "The API key (default: the IMPACTMAP_API_KEY environment variable)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("IMPACTMAP_API_KEY"),
    Recursive = true,
};
// Piped output gets 80 columns unless COLUMNS says otherwise, as in most terminals' tools.
if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0)
{
    Spectre.Console.AnsiConsole.Profile.Width = columns;
}

var root = new RootCommand("ImpactMap: who goes down, and why, when a supplier fails") { url, apiKey };
foreach (var command in Commands.All(parse => Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
             ? new ServerClient(address, parse.GetValue(apiKey))
             : throw new UsageException($"--url {parse.GetValue(url)}: give the service's address, such as http://localhost:5080")))
{
    root.Subcommands.Add(command);
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync(error.Message);
    }

    await Console.Error.WriteLineAsync("Run impactmap --help for usage.");
    return 2;
}

return await parsed.InvokeAsync();
