using ImpactMap.Tests.Shared;

namespace ImpactMap.Console.Tests;

/// <summary>A fixture with its own service on the embedded store with the sample graphs, open (no keys).</summary>
public abstract class SampleServiceTestBase : ConsoleTestBase
{
    private TempFolder? _data;
    private ApiServer? _server;

    protected override ApiServer Server => _server ?? throw new InvalidOperationException("the service did not start");

    /// <summary>Further settings for this fixture's service (keys, for instance).</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartServiceAsync()
    {
        _data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(_data.Path, samples: true);
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        _server = await ApiServer.StartAsync(settings);
    }

    [OneTimeTearDown]
    public async Task StopServiceAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data?.Dispose();
    }
}
