using System.Globalization;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Infrastructure.Images;

/// <summary>
/// Photos for the demo storefront: for the newest listed products of each category, a picture rendered with NetVips
/// from the category's illustration on a background of the product's own colours and pattern (so no two look alike),
/// then put through the same pipeline as an upload (renditions, metadata stripped) and attached as the cover.
/// </summary>
public sealed class DemoPhotos(MarketplaceDbContext db, ProductImageProcessor processor, IImageStore store, string webRoot)
{
    public async Task<int> GenerateAsync(int perCategory, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking().Select(c => c.Id).ToListAsync(ct);
        var made = 0;
        foreach (var category in categories)
        {
            // The newest listed products of the category (those the home and category pages show first) that have no photo yet.
            var products = (await db.Products.Where(p => p.CategoryId == category && p.Status == ProductStatus.Listed)
                .OrderByDescending(p => p.Id).Take(perCategory).Include(p => p.Photos).ToListAsync(ct)).Where(p => p.CoverPhotoKey is null).ToList();
            var illustration = Illustration(category);
            foreach (var product in products)
            {
                var jpeg = Render(product.Id, illustration);
                var image = processor.Process(jpeg);
                var key = await store.SaveAsync(image.Renditions, ct);
                product.Photos.Add(new ProductPhoto { StorageKey = key, SortOrder = 0, Width = image.Width, Height = image.Height, CreatedAt = DateTime.UtcNow });
                product.CoverPhotoKey = key;
                made++;
            }
            await db.SaveChangesAsync(ct);
        }
        return made;
    }

    private string Illustration(int category)
    {
        var path = Path.Combine(webRoot, "img", "categories", $"{category}.svg");
        if (!File.Exists(path)) return "";
        var svg = File.ReadAllText(path);
        var start = svg.IndexOf("/>", svg.IndexOf("<rect", StringComparison.Ordinal), StringComparison.Ordinal) + 2; // after the background
        return svg[start..svg.LastIndexOf("</svg>", StringComparison.Ordinal)];
    }

    /// <summary>An 800×600 JPEG: the product's colours (from its id), a few soft circles, the illustration in the middle.</summary>
    public static byte[] Render(int productId, string illustration)
    {
        var random = new Random(productId * 7919);
        string Colour(int lo, int hi) => $"#{random.Next(lo, hi):x2}{random.Next(lo, hi):x2}{random.Next(lo, hi):x2}";
        var (a, b) = (Colour(200, 250), Colour(160, 235));
        var circles = string.Concat(Enumerable.Range(0, 7).Select(_ =>
            $"<circle cx=\"{random.Next(0, 1200)}\" cy=\"{random.Next(0, 900)}\" r=\"{random.Next(40, 220)}\" fill=\"{Colour(150, 255)}\" opacity=\"0.{random.Next(15, 45)}\"/>"));
        var svg = $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 1200 900">
              <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{a}"/><stop offset="1" stop-color="{b}"/></linearGradient></defs>
              <rect width="1200" height="900" fill="url(#g)"/>{circles}
              <g transform="translate({300 + random.Next(-40, 40)} {150 + random.Next(-30, 30)}) scale(5)">{illustration}</g>
            </svg>
            """;
        using var image = NetVips.Image.SvgloadBuffer(System.Text.Encoding.UTF8.GetBytes(svg));
        using var flat = image.Flatten(background: [255, 255, 255]);
        return flat.JpegsaveBuffer(q: 85);
    }
}

/// <summary>Fills in the demo's photos once after start (on one node, by lease), without holding up the first request.</summary>
public sealed class DemoPhotosWorker(IServiceScopeFactory scopes, IConfiguration config, ILogger<DemoPhotosWorker> logger, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Seed:Demo", false) || !config.GetValue("Seed:Photos", true)) return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
            var holder = $"{Environment.MachineName}:{Environment.ProcessId}";
            if (!await JobLeases.TryAcquireAsync(db, "demo-photos", holder, TimeSpan.FromMinutes(5), clock.GetUtcNow().UtcDateTime, stoppingToken)) return;
            var photos = scope.ServiceProvider.GetRequiredService<DemoPhotos>();
            var made = await photos.GenerateAsync(config.GetValue("Seed:PhotosPerCategory", 4), stoppingToken);
            if (made > 0) logger.LogInformation("Demo photos: {Count} generated", made.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Demo photos could not be generated");
        }
    }
}
