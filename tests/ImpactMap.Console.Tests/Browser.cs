using Microsoft.Playwright;

// Every test here drives a real browser: the inner loop leaves them out.
[assembly: Category(ImpactMap.Tests.Shared.TestTiers.Browser)]

namespace ImpactMap.Console.Tests;

/// <summary>
/// One headless Chromium for the whole run: Debian's chromium package, driven by Playwright through its
/// executable path (Playwright's own browser download cannot be reached from here).
/// </summary>
[SetUpFixture]
public sealed class Browser
{
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static IBrowser Instance => _browser ?? throw new InvalidOperationException("the browser did not start");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("IMPACTMAP_CHROMIUM") ?? FindOnPath("chromium")
            ?? throw new InvalidOperationException("Chromium is missing: install Debian's chromium package (./build.sh test does) or set IMPACTMAP_CHROMIUM");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
