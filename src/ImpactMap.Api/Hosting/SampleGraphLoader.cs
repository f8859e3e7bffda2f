using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Storage;

namespace ImpactMap.Api.Hosting;

/// <summary>Fills an empty store with the graph documents of a folder, each named by its file name.</summary>
internal static class SampleGraphLoader
{
    /// <summary>
    /// A relative folder is looked for in the content root and then its parents, so that the repository's
    /// graphs/ is found both from the repository root and from `dotnet run --project src/ImpactMap.Api`.
    /// </summary>
    private static string Resolve(string folder, string contentRoot)
    {
        if (Path.IsPathRooted(folder))
        {
            return folder;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, folder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(folder, contentRoot);
    }

    public static async Task LoadAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var options = app.Configuration.GetSection(ImpactMapOptions.Section).Get<ImpactMapOptions>() ?? new ImpactMapOptions();
        if (string.IsNullOrWhiteSpace(options.SampleGraphs))
        {
            return;
        }

        var folder = Resolve(options.SampleGraphs, app.Environment.ContentRootPath);
        var store = app.Services.GetRequiredService<IGraphStore>();
        if (!Directory.Exists(folder))
        {
            app.Logger.LogWarning("Sample graph folder {Folder} does not exist; starting without samples", folder);
            return;
        }

        if ((await store.ListAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        var catalog = app.Services.GetRequiredService<GraphCatalog>();
        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                        || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var graph = GraphDocuments.ToGraph(await GraphDocuments.ReadFileAsync(file, cancellationToken));
            await catalog.ReplaceAsync(name, graph, ifMatch: 0, cancellationToken);
            app.Logger.LogInformation("Loaded sample graph {Graph} ({Nodes} nodes, {Dependencies} dependencies) from {File}",
                name, graph.Nodes.Count, graph.Dependencies.Count, file);
        }
    }
}
