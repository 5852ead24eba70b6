using System.Globalization;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Web;
using Marketplace.Web.Features.Storefront;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.Extensions.DependencyInjection.Extensions;

// GB18030/GBK, for bank statements exported by Chinese online banking.
System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = WebRoot.Locate(),
});

// Configuration: appsettings.json, appsettings.{Environment}.json, then environment variables (Database__Provider…).
var config = builder.Configuration;
var contentRoot = builder.Environment.ContentRootPath;
var dataFolder = Path.GetFullPath(config["DataFolder"] is { Length: > 0 } folder ? folder : "App_Data", contentRoot);
var database = DatabaseOptions.Read(key => config[key], Path.Combine(dataFolder, "marketplace.db"));
var search = SearchSettings.Read(config, contentRoot);
builder.Services.AddSingleton(search);

// A search URL carries the query; let a long one reach the app, which shortens it with a message (not a bare 414).
builder.WebHost.ConfigureKestrel(o =>
{
    o.Limits.MaxRequestLineSize = 128 * 1024;
    o.Limits.MaxRequestHeadersTotalSize = 160 * 1024;
    // No "Server: Kestrel" on any response: the stack is nobody's business.
    o.AddServerHeader = false;
});

if (string.Equals(config["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
    builder.Logging.ClearProviders().AddJsonConsole(o => { o.IncludeScopes = true; o.UseUtcTimestamp = true; });

builder.Services.AddMarketplaceData(database);
var dataProtection = builder.Services.AddDataProtection()
    .SetApplicationName("Marketplace832")
    .PersistKeysToDbContext<MarketplaceDbContext>();
// The key ring in the database is encrypted at rest with a certificate (PFX) every node holds: DataProtection:Certificate
// (path) and DataProtection:CertificatePassword. Production refuses to start without one.
if (config["DataProtection:Certificate"] is { Length: > 0 } certificatePath)
{
    var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
        Path.GetFullPath(certificatePath, contentRoot), config["DataProtection:CertificatePassword"],
        System.Security.Cryptography.X509Certificates.X509KeyStorageFlags.EphemeralKeySet);
    dataProtection.ProtectKeysWithCertificate(certificate);
}
else if (builder.Environment.IsProduction())
    throw new InvalidOperationException("DataProtection:Certificate is required in Production: the key ring stored in the database must be encrypted " +
                                        "(a PFX file readable by every node, with DataProtection:CertificatePassword).");

builder.Services
    .AddIdentity<AppUser, IdentityRole>(o =>
    {
        // Per-address throttling (SignInThrottle) slows a password sprayer first; the account lock comes later and is short,
        // so a stranger cannot keep someone out for long.
        o.Lockout.MaxFailedAccessAttempts = 10;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(Marketplace.Web.Features.Account.AccountController.LockoutMinutes);
        o.Lockout.AllowedForNewUsers = true;
        o.Password.RequiredLength = 8;
        o.User.RequireUniqueEmail = true;
        o.SignIn.RequireConfirmedAccount = false;
    })
    .AddEntityFrameworkStores<MarketplaceDbContext>()
    .AddDefaultTokenProviders()
    .AddPasswordValidator<Marketplace.Web.Features.Account.PolicyPasswordValidator>()
    .AddSignInManager<Marketplace.Web.Features.Account.MarketplaceSignInManager>()
    .AddClaimsPrincipalFactory<MarketplaceClaimsFactory>();
// Every request re-checks the cookie's security stamp, so a disabled account, a password reset or a sign-out ends the
// session at once (one indexed read of two columns per signed-in request; the claims change only with the stamp).
builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
builder.Services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, Marketplace.Web.Features.Account.StampCheckValidator>());
builder.Services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromDays(7));
builder.Services.AddHttpContextAccessor();
// No form field is longer than a product description (4,000 characters); a bigger one is refused before binding
// instead of being read into memory and echoed back.
builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.ValueLengthLimit = 64 * 1024);
builder.Services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = "/account/login";
    o.LogoutPath = "/account/logout";
    o.AccessDeniedPath = "/account/denied";
    o.Cookie.Name = "mp.auth";
    o.Cookie.HttpOnly = true;
    // Secure in Production (behind TLS); over plain HTTP only in development and tests.
    o.Cookie.SecurePolicy = builder.Environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
    o.Cookie.SameSite = SameSiteMode.Lax;
    o.SlidingExpiration = true;
    o.ExpireTimeSpan = TimeSpan.FromHours(8);
});
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "mp.af";
    o.Cookie.SecurePolicy = builder.Environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
    o.FormFieldName = "__RequestVerificationToken";
});

// Emit Chinese as UTF-8 text rather than &#x…; entities (pages are a third the size and readable).
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
builder.Services.Configure<RequestLocalizationOptions>(o =>
{
    var cultures = new[] { new CultureInfo("zh-CN"), new CultureInfo("en") };
    o.DefaultRequestCulture = new RequestCulture("zh-CN");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
    // A Chinese platform is Chinese unless the visitor chooses English (query string or the switch's cookie).
    o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
});

builder.Services
    .AddControllersWithViews(o =>
    {
        o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
        o.Filters.Add<BilingualErrorResultFilter>();
        o.Filters.Add<DomainExceptionFilter>();
        o.Filters.Add<Marketplace.Web.Features.Account.MustChangePasswordFilter>();
        o.Filters.Add<FormBodyFilter>();
        o.Filters.Add<BadNumberFilter>();
        o.ModelBinderProviders.Insert(0, new WholeNumberBinderProvider());
        // Model-binding messages in the visitor's language (one at a time), never MVC's English defaults.
        string Say(string zh, string en) => DisplayText.IsEnglish ? en : zh;
        var m = o.ModelBindingMessageProvider;
        m.SetValueIsInvalidAccessor(v => Say($"“{v}”无效", $"The value '{v}' is not valid."));
        m.SetAttemptedValueIsInvalidAccessor((v, f) => Say($"{f}：“{v}”无效", $"The value '{v}' is not valid for {f}."));
        m.SetValueMustNotBeNullAccessor(v => Say($"“{v}”不能为空", $"The value '{v}' may not be empty."));
        m.SetMissingBindRequiredValueAccessor(f => Say($"缺少{f}", $"A value for {f} was not provided."));
        m.SetMissingKeyOrValueAccessor(() => Say("缺少值", "A value is required."));
        m.SetMissingRequestBodyRequiredValueAccessor(() => Say("请求内容为空", "The request body is empty."));
        m.SetUnknownValueIsInvalidAccessor(f => Say($"{f}的值无效", $"The value for {f} is not valid."));
        m.SetValueMustBeANumberAccessor(f => Say($"{f}须为数字", $"{f} must be a number."));
        m.SetNonPropertyAttemptedValueIsInvalidAccessor(v => Say($"“{v}”无效", $"The value '{v}' is not valid."));
        m.SetNonPropertyUnknownValueIsInvalidAccessor(() => Say("值无效", "The value is not valid."));
        m.SetNonPropertyValueMustBeANumberAccessor(() => Say("须为数字", "The value must be a number."));
    })
    .AddRazorOptions(o => o.ViewLocationExpanders.Add(new FeatureViewLocationExpander()))
    .AddViewLocalization(LanguageViewLocationExpanderFormat.Suffix)
    .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));

// A real read of a real table: a database that answers connections but lost its tables (or its file) is unhealthy.
builder.Services.AddHealthChecks().AddDbContextCheck<MarketplaceDbContext>("database", customTestQuery: async (db, ct) =>
{
    await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Regions.Select(r => r.Id), ct);
    return true;
});

builder.Services.AddMemoryCache();
// Rendered public pages for anonymous visitors, evicted by tag as the product change feed moves (issue 12).
var pageCache = PublicPageCacheOptions.Read(config);
builder.Services.AddSingleton(pageCache);
builder.Services.AddOutputCache(o =>
{
    o.SizeLimit = pageCache.SizeLimitBytes;
    o.DefaultExpirationTimeSpan = pageCache.Duration;
    o.AddBasePolicy(new PublicPagePolicy(pageCache));
});
builder.Services.AddSingleton<PublicPageEvictor>();
builder.Services.AddMarketplaceRateLimits(RateLimitOptions.Read(config));
// Behind a reverse proxy, the client's address (for rate limits, throttling and the audit log) is the forwarded one, but
// only from the proxies named here (ReverseProxy:KnownProxies, comma-separated addresses); nobody else can claim one.
var knownProxies = (config["ReverseProxy:KnownProxies"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
builder.Services.Configure<ForwardedHeadersOptions>(o =>
{
    o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
    o.KnownProxies.Clear();
    o.KnownIPNetworks.Clear();
    foreach (var proxy in knownProxies) o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
});
builder.Services.AddSingleton<RegionDirectory>();
builder.Services.AddScoped<DemoAccounts>();
builder.Services.AddSingleton<Marketplace.Web.Features.Account.SignInThrottle>();
builder.Services.AddScoped<StorefrontQueries>();
builder.Services.AddScoped<Marketplace.Web.Features.Pavilions.PavilionQueries>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(new Marketplace.Web.Infrastructure.Images.ImageLimits());
builder.Services.AddSingleton<Marketplace.Web.Infrastructure.Images.ProductImageProcessor>();
// Uploaded files: this node's data folder (one node), or the database, so that every node serves what any node stored.
var storage = config["Storage:Provider"] ?? "Folder";
if (storage is not ("Folder" or "Database"))
    throw new InvalidOperationException($"Storage:Provider must be Folder or Database, not '{storage}'.");
Marketplace.Web.Infrastructure.Images.IFileBlobs Blobs(IServiceProvider sp, string name) => storage == "Database"
    ? new Marketplace.Web.Infrastructure.Images.DatabaseBlobs(sp.GetRequiredService<IServiceScopeFactory>(), name)
    : new Marketplace.Web.Infrastructure.Images.FolderBlobs(Path.Combine(dataFolder, name));
builder.Services.AddSingleton<Marketplace.Web.Infrastructure.Images.IImageStore>(sp =>
    new Marketplace.Web.Infrastructure.Images.ImageStore(Blobs(sp, "images")));
builder.Services.AddScoped<Marketplace.Web.Features.Admission.AdmissionService>();
builder.Services.AddScoped<Marketplace.Web.Features.Catalog.CatalogService>();
builder.Services.AddScoped<Marketplace.Web.Features.Quota.QuotaService>();
builder.Services.AddScoped<Marketplace.Data.Quota.LedgerWriter>();
builder.Services.AddScoped<Marketplace.Data.Finance.FinanceQueries>();
builder.Services.AddScoped<Marketplace.Web.Features.Finance.FinanceService>();
builder.Services.AddScoped<Marketplace.Web.Features.Administration.AdministrationService>();
builder.Services.AddScoped(sp => new Marketplace.Data.Quota.MonthEndJob(sp.GetRequiredService<MarketplaceDbContext>(), sp.GetRequiredService<TimeProvider>())
{
    QueueEmails = Marketplace.Web.Features.Finance.EmailOptions.IsConfigured(config),
});
builder.Services.AddScoped<Marketplace.Web.Features.Buying.CheckoutService>();
builder.Services.AddSingleton<Marketplace.Web.Features.Buying.OrderNumbers>();
builder.Services.AddScoped<Marketplace.Web.Features.Buying.OrderService>();
builder.Services.AddSingleton(sp => new Marketplace.Web.Infrastructure.Images.InvoiceStore(Blobs(sp, "invoices"),
    sp.GetRequiredService<Marketplace.Web.Infrastructure.Images.ProductImageProcessor>()));
builder.Services.AddScoped<Marketplace.Data.Quota.OutboxDispatcher>();
// Payments: bank transfer always; card through Stripe only when Payments:Stripe:SecretKey and WebhookSecret are set.
var stripe = builder.Configuration.GetSection("Payments:Stripe").Get<Marketplace.Web.Features.Payments.StripeOptions>() ?? new();
builder.Services.AddSingleton(stripe);
builder.Services.AddSingleton<Marketplace.Web.Features.Payments.IPaymentProvider, Marketplace.Web.Features.Payments.BankTransferProvider>();
builder.Services.AddSingleton<Marketplace.Web.Features.Payments.IPaymentProvider, Marketplace.Web.Features.Payments.StripePaymentProvider>();
builder.Services.AddSingleton<Marketplace.Web.Features.Payments.PaymentProviders>();
builder.Services.AddScoped<Marketplace.Web.Features.Payments.PaymentService>();
builder.Services.AddScoped<Marketplace.Web.Features.Payments.StripeWebhookService>();
builder.Services.AddScoped<Marketplace.Web.Features.Refunds.RefundService>();
builder.Services.AddScoped<Marketplace.Data.Quota.IOutboxHandler, Marketplace.Web.Features.Refunds.RefundPayoutHandler>();
builder.Services.AddScoped<Marketplace.Data.Credit.VendorCreditService>();
builder.Services.AddScoped<Marketplace.Data.Quota.IOutboxHandler, Marketplace.Web.Features.Credit.VendorCreditDueHandler>();
builder.Services.AddScoped<Marketplace.Data.Quota.IOutboxHandler, Marketplace.Web.Features.Credit.VendorCreditOnOrderCompleted>();
builder.Services.AddScoped<Marketplace.Web.Features.Credit.ComplaintService>();
builder.Services.AddScoped<Marketplace.Web.Features.Transparency.CountySales>();
builder.Services.AddScoped<Marketplace.Web.Features.Transparency.PublicProgressQueries>();
builder.Services.AddHostedService<Marketplace.Web.Features.Credit.CreditJobsWorker>();
builder.Services.AddHostedService<OrderJobsWorker>();
builder.Services.AddScoped(sp => new Marketplace.Web.Infrastructure.Images.DemoPhotos(sp.GetRequiredService<MarketplaceDbContext>(),
    sp.GetRequiredService<Marketplace.Web.Infrastructure.Images.ProductImageProcessor>(), sp.GetRequiredService<Marketplace.Web.Infrastructure.Images.IImageStore>(),
    builder.Environment.WebRootPath));
builder.Services.AddHostedService<Marketplace.Web.Infrastructure.Images.DemoPhotosWorker>();
builder.Services.AddSingleton(Marketplace.Web.Features.Finance.EmailOptions.Read(config));
builder.Services.AddScoped<Marketplace.Web.Features.Finance.EmailOutboxSender>();
builder.Services.AddHostedService<Marketplace.Web.Features.Finance.FinanceJobsWorker>();
// The search port: the embedded Lucene index (one per node, in the data folder unless configured) or a shared
// Elasticsearch cluster, chosen by Search:Provider.
if (search.Provider == SearchProvider.Elasticsearch)
    builder.Services.AddSingleton<Marketplace.Search.ISearchIndex>(_ => new Marketplace.Search.ElasticsearchSearchIndex(
        search.Elasticsearch!.CreateClient(), search.Elasticsearch.Alias));
else
    builder.Services.AddSingleton<Marketplace.Search.ISearchIndex>(_ => new Marketplace.Search.LuceneSearchIndex(
        string.IsNullOrWhiteSpace(config["Search:Lucene:IndexPath"]) ? Path.Combine(dataFolder, "search-index") : search.IndexPath)
    {
        RebuildBufferMB = search.LuceneRebuildBufferMB,
    });
builder.Services.AddHostedService<Marketplace.Web.Infrastructure.Search.SearchIndexWorker>();

var app = builder.Build();

if (knownProxies.Length > 0) app.UseForwardedHeaders();

// First, so that an error page re-executed below keeps the visitor's language (a ?culture=en request included).
app.UseRequestLocalization();
if (app.Environment.IsDevelopment())
    app.UseDeveloperExceptionPage();
else
    app.UseExceptionHandler("/error/500");
app.UseStatusCodePagesWithReExecute("/error/{0}");

// Security headers on every response (issue 14): no MIME sniffing, no referrer beyond the origin, no framing, and a
// content-security policy that allows only this site's scripts (the pages have no inline script).
app.Use(async (context, next) =>
{
    var headers = context.Response.Headers;
    headers.XContentTypeOptions = "nosniff";
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(self), usb=(), interest-cohort=()";
    headers["Cross-Origin-Opener-Policy"] = "same-origin";
    headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
    await next();
});
if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing")) app.UseHsts();

// HEAD is answered as GET without a body (controllers declare GET only).
app.Use(async (context, next) =>
{
    if (!HttpMethods.IsHead(context.Request.Method)) { await next(); return; }
    context.Request.Method = HttpMethods.Get;
    var body = context.Response.Body;
    context.Response.Body = Stream.Null;
    try { await next(); }
    finally { context.Response.Body = body; }
});
app.UseStaticFiles(new StaticFileOptions
{
    OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=3600",
});
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
// After authentication, so that only anonymous visitors are served stored pages; before the rate limiter, so that a
// stored page costs no search budget (a query not yet stored does).
app.UseOutputCache();
app.UseRateLimiter();
app.UseMiddleware<PublicPageETagMiddleware>();

app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
{
    ResponseWriter = HealthResponse.WriteAsync,
}).DisableHttpMetrics();
app.MapControllers();

await app.InitializeDatabaseAsync();
await app.RunAsync();

/// <summary>Entry point type, public so that functional tests can boot the app with WebApplicationFactory.</summary>
public partial class Program;

internal static class WebRoot
{
    /// <summary>The repository's web/ folder when run from source; the copy beside the binaries otherwise.</summary>
    public static string Locate()
    {
        foreach (var candidate in new[]
                 {
                     Path.Combine(Directory.GetCurrentDirectory(), "..", "..", "web"),
                     Path.Combine(Directory.GetCurrentDirectory(), "web"),
                     Path.Combine(AppContext.BaseDirectory, "web"),
                 })
            if (File.Exists(Path.Combine(candidate, "css", "site.css"))) return Path.GetFullPath(candidate);
        return Path.Combine(AppContext.BaseDirectory, "web");
    }
}
