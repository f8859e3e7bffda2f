using ImpactMap.Tests.Shared;
using Microsoft.Playwright;

namespace ImpactMap.Console.Tests;

/// <summary>
/// A fresh browser context (own sessionStorage) and page per test against the real service; every message the
/// browser's console reports as an error, and every uncaught script error, fails the test.
/// </summary>
public abstract class ConsoleTestBase
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly List<string> _errors = [];
    private IBrowserContext? _context;

    protected IPage Page { get; private set; } = null!;

    /// <summary>The service under test; fixtures start theirs in OneTimeSetUp.</summary>
    protected abstract ApiServer Server { get; }

    protected string Url(string path) => new Uri(Server.Address, path).ToString();

    [SetUp]
    public async Task OpenPageAsync()
    {
        _errors.Clear();
        Page = await NewPageAsync(Desktop);
    }

    [TearDown]
    public async Task ClosePageAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        Assert.That(_errors, Is.Empty, "the browser reported errors");
    }

    /// <summary>A page in a new context of its own (the previous one is closed): new storage, new viewport.</summary>
    protected async Task<IPage> NewPageAsync(ViewportSize viewport)
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        _context = await Browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport, AcceptDownloads = true });
        // Generous: the full suite runs the API fixtures beside these, and a loaded machine is slow, not wrong.
        _context.SetDefaultTimeout(45_000);
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        var page = await _context.NewPageAsync();
        page.Console += (_, message) =>
        {
            // A refused request (401 at the prompt, a 422 review) is the API answering, not a script error.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Add($"page error: {error}");
        Page = page;
        return page;
    }

    /// <summary>A full-page screenshot kept as a test artifact (TRX attachment) under screenshots/.</summary>
    protected async Task<string> ScreenshotAsync(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, name);
        return file;
    }
}
