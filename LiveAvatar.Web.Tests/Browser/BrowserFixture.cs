using Microsoft.Playwright;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>
/// One published server and one Debian chromium for a test class or collection. Subclass and override
/// <see cref="ServerArgs"/> / <see cref="ServerEnvironment"/> to run the page against other folders or settings.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    // Debian's chromium, never a Playwright-downloaded browser: this machine has no network for that.
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
    ];

    private IPlaywright? playwright;
    private IBrowser? browser;
    private WebAppServer? server;

    public WebAppServer Server => server ?? throw new InvalidOperationException("fixture not initialised");

    /// <summary>Uploads, jobs and history of this fixture's server; a fresh folder, deleted afterwards.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "la-browser-" + Guid.NewGuid().ToString("N")[..8]);

    protected virtual IEnumerable<string> ServerArgs => ["--data", DataDirectory];

    protected virtual IReadOnlyDictionary<string, string> ServerEnvironment => new Dictionary<string, string>();

    /// <summary>More chromium switches for a fixture of its own (e.g. a fake microphone).</summary>
    protected virtual IEnumerable<string> ExtraBrowserArgs => [];

    /// <summary>Runs before the server starts, e.g. to put files in <see cref="DataDirectory"/>.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        // Two shared cores, a model loading beside the page: the first render can take longer than Playwright's 5 s.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        server = await WebAppServer.StartAsync(ServerArgs, ServerEnvironment);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = [.. ChromiumArgs, .. ExtraBrowserArgs],
        });
    }

    /// <summary>A fresh page (own context, so no shared cookies or storage) opened at <paramref name="path"/>, at a
    /// laptop size unless told otherwise, in the light or dark colour scheme. <paramref name="beforeNavigation"/> runs
    /// on the page before it loads (e.g. to route or hold back requests).</summary>
    public async Task<IPage> OpenPageAsync(string path = "/", int width = 1280, int height = 900, bool dark = false, bool touch = false,
        Func<IPage, Task>? beforeNavigation = null)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
            HasTouch = touch,
            IsMobile = touch,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        if (beforeNavigation is not null) await beforeNavigation(page);
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>Kills the server hard (SIGKILL, as a crash does) and leaves it down; pages stay open.</summary>
    public Task KillServerAsync() => Server.KillAsync();

    /// <summary>Starts the server again on the same port and data folder, so open pages can reconnect to it.</summary>
    public async Task StartServerAgainAsync()
    {
        int port = Server.BaseUrl.Port;
        await Server.DisposeAsync();
        server = null;
        server = await WebAppServer.StartAsync(ServerArgs, ServerEnvironment, port);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (server is not null) await server.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Browser tests share one collection: they never run beside each other or beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
