using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>
/// The real app on a loopback port (Kestrel) with a fresh SQLite database and search index in a temporary folder, the
/// background jobs running as in production, and Debian's Chromium driven by Playwright (never a downloaded browser:
/// CHROMIUM_PATH, or /usr/bin/chromium).
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string DataFolder { get; } = Directory.CreateTempSubdirectory("mp-browser-").FullName;
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? playwright;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["DataFolder"] = DataFolder, ["Seed:Demo"] = "true", ["Seed:Products"] = "800", ["Seed:Vendors"] = "60",
                     ["Seed:BudgetUnits"] = "80", ["Seed:Quota"] = "true", ["Seed:Trade"] = "false", ["Seed:Photos"] = "false", ["Logging:LogLevel:Default"] = "Warning",
                     ["Finance:BackgroundJobs"] = "false", ["Orders:BackgroundJobs"] = "true",
                     // Every journey and the load run sign in from loopback; RateLimitTests cover the budgets themselves.
                     ["RateLimits:SignInsPerMinute"] = "100000", ["RateLimits:SearchesPerMinute"] = "100000", ["RateLimits:UploadsPerMinute"] = "100000",
                 })
            builder.UseSetting(key, value);
    }

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
          ?? throw new InvalidOperationException("No Chromium found: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH.");

    public async Task InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        // Wait for the search index the app builds at start.
        var index = Services.GetRequiredService<Marketplace.Search.ISearchIndex>();
        for (var i = 0; i < 600 && await index.CountAsync(CancellationToken.None) == 0; i++) await Task.Delay(100);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Reads the app's own database, to find ids and compare what the pages show with what is stored.</summary>
    public async Task<T> Db<T>(Func<Marketplace.Data.MarketplaceDbContext, Task<T>> query)
    {
        using var scope = Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<Marketplace.Data.MarketplaceDbContext>());
    }

    /// <summary>Screenshots go to artifacts/browser/ at the repository's root (a CI artifact), or BROWSER_ARTIFACTS.</summary>
    public static string ArtifactsFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("BROWSER_ARTIFACTS") is { Length: > 0 } configured) return Directory.CreateDirectory(configured).FullName;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
            return Directory.CreateDirectory(Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "browser")).FullName;
        }
    }
}

/// <summary>
/// One user's browser tab. Every console error, uncaught script error, failed request and unexpected 4xx/5xx answer is
/// collected; <see cref="AssertCleanAsync"/> fails the journey on any of them. A screenshot is saved at every step.
/// </summary>
public sealed class Tab(string journey, string who, IBrowserContext context, IPage page)
{
    private readonly List<string> problems = [];
    private int step;
    public IPage Page => page;
    /// <summary>Status codes the journey provokes on purpose (e.g. 422 for a form it submits wrong).</summary>
    public HashSet<int> Expected { get; } = [];

    public static async Task<Tab> OpenAsync(BrowserApp app, string journey, string who, int width = 1280, int height = 900, string? locale = "zh-CN")
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = locale, AcceptDownloads = true,
        });
        // A cold start (first views compiled, the index built) on a 2-core machine running two journeys can pass 30 s.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var tab = new Tab(journey, who, context, await context.NewPageAsync());
        tab.Watch();
        return tab;
    }

    private void Watch()
    {
        page.Console += (_, m) => { if (m.Type == "error") problems.Add($"console error: {m.Text}"); };
        page.PageError += (_, e) => problems.Add($"script error: {e}");
        // A file download ends its navigation with ERR_ABORTED by design; any other failed request is a problem.
        page.RequestFailed += (_, r) =>
        {
            if (r.Failure == "net::ERR_ABORTED" && (r.Url.Contains(".csv") || r.Url.Contains(".xlsx"))) return;
            problems.Add($"request failed: {r.Method} {r.Url} ({r.Failure})");
        };
        page.Response += (_, r) => { if (r.Status >= 400 && !Expected.Contains(r.Status)) problems.Add($"HTTP {r.Status}: {r.Request.Method} {r.Url}"); };
    }

    public async Task GoAsync(string path)
    {
        var response = await page.GotoAsync(path);
        Assert.True(response is not null, $"no response for {path}");
    }

    public async Task SignInAsync(string user, string password = Marketplace.Web.Infrastructure.DemoAccounts.Password)
    {
        await GoAsync("/account/login");
        await page.FillAsync("input[name=UserName]", user);
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("form[action='/account/login'] button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/account/login"));
    }

    /// <summary>Submits the form with the given action (first match), waiting for the page it leads to.</summary>
    public async Task SubmitAsync(string action, string? button = null)
    {
        var form = page.Locator($"form[action='{action}']").First;
        await form.Locator(button ?? "button[type=submit]").First.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>A screenshot named journey-NN-who-what.png, then a check that nothing went wrong so far.</summary>
    public async Task StepAsync(string what)
    {
        step++;
        var name = $"{journey}-{step:D2}-{who}-{what}.png";
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, name), FullPage = true });
        await AssertCleanAsync(what);
    }

    public async Task AssertCleanAsync(string where)
    {
        await Task.Yield();
        Assert.True(problems.Count == 0, $"{journey}/{who} at '{where}' ({page.Url}):\n" + string.Join("\n", problems));
    }

    /// <summary>Nothing is wider than the viewport (no sideways scrolling on a phone) and every form control can be reached.</summary>
    public async Task AssertFitsAsync(string where)
    {
        var overflow = await page.EvaluateAsync<string>(@"() => {
            const width = document.documentElement.clientWidth;
            // Inside a box that scrolls sideways on its own (a wide table), overflowing is the point.
            const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
            if (document.documentElement.scrollWidth > width + 1) {
                const culprits = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== 'fixed')
                    .filter(e => !scrolls(e))
                    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
                return culprits.length ? 'page is ' + document.documentElement.scrollWidth + 'px wide in a ' + width + 'px viewport: ' + culprits.join(', ') : '';
            }
            const small = [...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, button')]
                .filter(e => e.offsetParent !== null).filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 20 || r.right > width + 1; })
                .slice(0, 5).map(e => e.tagName.toLowerCase() + '[name=' + (e.name || '') + '] ' + (e.innerText || e.value || '').slice(0, 20) + ' ' + Math.round(e.getBoundingClientRect().width) + 'x' + Math.round(e.getBoundingClientRect().height));
            return small.length ? 'controls too small or off-screen: ' + small.join(', ') : '';
        }");
        Assert.True(overflow.Length == 0, $"{journey}/{who} at '{where}' ({page.Url}) at {page.ViewportSize?.Width}px: {overflow}");
    }

    public Task CloseAsync() => context.CloseAsync();
}
