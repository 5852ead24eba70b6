using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Infrastructure.Images;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Catalog;

/// <summary>
/// A vendor's own catalogue. Every query is filtered by the signed-in user's vendor id, so another vendor's product
/// is simply not found (404), never shown or changed.
/// </summary>
public sealed class CatalogService(
    MarketplaceDbContext db, RegionDirectory regions, ProductImageProcessor images, IImageStore store, TimeProvider clock)
{
    public const int PageSize = 30;
    public const int LowStockThreshold = 10;

    private IQueryable<Product> Own(int vendorId) => db.Products.Where(p => p.VendorId == vendorId);

    public async Task<IReadOnlyList<Option>> CategoriesAsync(CancellationToken ct) =>
        await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).Select(c => new Option(c.Id, c.Name)).ToListAsync(ct);

    /// <summary>Origin counties a vendor may choose: the poverty-relief counties of its own province first.</summary>
    public IReadOnlyList<Option> Counties(int vendorCountyId) => regions.PovertyReliefCounties()
        .OrderBy(id => RegionCode.ProvinceOf(id) == RegionCode.ProvinceOf(vendorCountyId) ? 0 : 1).ThenBy(id => id)
        .Select(id => new Option(id, regions.PathOf(id))).ToList();

    private async Task<(string Name, VendorStatus Status, int CountyId)> VendorAsync(int vendorId, CancellationToken ct) =>
        await db.Vendors.AsNoTracking().Where(v => v.Id == vendorId).Select(v => new ValueTuple<string, VendorStatus, int>(v.Name, v.Status, v.CountyId)).FirstAsync(ct);

    public async Task<VendorDashboardViewModel> DashboardAsync(int vendorId, CancellationToken ct)
    {
        var vendor = await VendorAsync(vendorId, ct);
        var counts = await Own(vendorId).AsNoTracking().GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var low = await Own(vendorId).AsNoTracking().Where(p => p.Status == ProductStatus.Listed && p.Stock < LowStockThreshold)
            .OrderBy(p => p.Stock).ThenBy(p => p.Id).Take(20).Select(Row).ToListAsync(ct);
        return new VendorDashboardViewModel(vendor.Name, vendor.Status, counts, low, LowStockThreshold);
    }

    private static readonly System.Linq.Expressions.Expression<Func<Product, VendorProductRow>> Row =
        p => new VendorProductRow(p.Id, p.Name, p.Specification, p.PriceFen, p.Stock, p.Unit, p.Status, p.CoverPhotoKey, p.UpdatedAt);

    public async Task<VendorProductListViewModel> ListAsync(int vendorId, ProductStatus? status, int? after, CancellationToken ct)
    {
        var q = Own(vendorId).AsNoTracking();
        if (status is { } s) q = q.Where(p => p.Status == s);
        var total = await q.CountAsync(ct);
        if (after is { } a) q = q.Where(p => p.Id < a);
        var rows = await q.OrderByDescending(p => p.Id).Take(PageSize + 1).Select(Row).ToListAsync(ct);
        return new VendorProductListViewModel(rows.Take(PageSize).ToList(), status, rows.Count > PageSize ? rows[PageSize - 1].Id : null, total);
    }

    public async Task<ProductFormViewModel> NewFormAsync(int vendorId, CancellationToken ct)
    {
        var vendor = await VendorAsync(vendorId, ct);
        return new ProductFormViewModel(null, null, new ProductForm { OriginCountyId = vendor.CountyId, Unit = "袋" },
            await CategoriesAsync(ct), Counties(vendor.CountyId), [], null, []);
    }

    public async Task<ProductFormViewModel?> EditFormAsync(int vendorId, int id, ProductForm? posted, CancellationToken ct)
    {
        var p = await Own(vendorId).AsNoTracking().Include(p => p.Photos).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (p is null) return null;
        var vendor = await VendorAsync(vendorId, ct);
        var form = posted ?? new ProductForm
        {
            Name = p.Name, CategoryId = p.CategoryId, OriginCountyId = p.OriginCountyId, Specification = p.Specification, Unit = p.Unit,
            PriceYuan = new Money(p.PriceFen).ToYuanString(), Stock = p.Stock, MinOrderQuantity = p.MinOrderQuantity, Description = p.Description,
            Certifications = Enum.GetValues<Certification>().Where(c => c != Certification.None && p.Certifications.HasFlag(c)).ToList(),
        };
        var actions = new[] { ProductAction.SubmitForReview, ProductAction.TakeOffShelf, ProductAction.PutOnShelf }
            .Where(a => ProductLifecycle.CanApply(p.Status, a)).ToList();
        return new ProductFormViewModel(p.Id, p.Status, form, await CategoriesAsync(ct), Counties(vendor.CountyId),
            p.Photos.OrderBy(x => x.SortOrder).Select(x => new PhotoRow(x.Id, x.StorageKey)).ToList(), p.RejectionReason, actions);
    }

    private async Task<(ValidProduct? Product, Dictionary<string, string> Errors)> ValidateAsync(ProductForm form, CancellationToken ct)
    {
        var categories = (await CategoriesAsync(ct)).Select(c => c.Id).ToHashSet();
        return ProductRules.Validate(form.ToInput(), categories.Contains, regions.IsPovertyReliefCounty);
    }

    /// <summary>Creates a draft. Any Vendor user may prepare drafts; only an Active vendor can submit them for review.</summary>
    public async Task<(int? Id, Dictionary<string, string> Errors)> CreateAsync(Actor actor, int vendorId, ProductForm form, CancellationToken ct)
    {
        var (valid, errors) = await ValidateAsync(form, ct);
        if (valid is null) return (null, errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var product = new Product
        {
            VendorId = vendorId, Status = ProductStatus.Draft, CreatedAt = now, UpdatedAt = now,
            Name = valid.Name, Unit = valid.Unit,
        };
        Apply(product, valid);
        db.Products.Add(product);
        await db.SaveChangesAsync(ct);
        return (product.Id, errors);
    }

    /// <summary>
    /// Saves an edit. Changing what a reviewer approved (name, price; photos are handled on upload) of a listed or
    /// off-shelf product sends it back to review, in the same save.
    /// </summary>
    public async Task<Dictionary<string, string>?> UpdateAsync(Actor actor, int vendorId, int id, ProductForm form, CancellationToken ct)
    {
        var product = await Own(vendorId).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null) return null;
        var (valid, errors) = await ValidateAsync(form, ct);
        if (valid is null) return errors;
        var vendor = await VendorAsync(vendorId, ct);
        var reviewed = product.Status is ProductStatus.Listed or ProductStatus.OffShelf
                       && ProductLifecycle.NeedsReview(product.Name, product.PriceFen, valid.Name, valid.Price.Fen, photosChanged: false);
        if (reviewed) Transition(product, ProductLifecycle.Apply(product.Status, ProductAction.EditedReviewedContent, vendor.Status), actor);
        Apply(product, valid);
        product.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await SaveGuardedAsync(ct);
        return errors;
    }

    private static void Apply(Product p, ValidProduct v)
    {
        p.Name = v.Name; p.CategoryId = v.CategoryId; p.OriginCountyId = v.OriginCountyId; p.Specification = v.Specification;
        p.Unit = v.Unit; p.PriceFen = v.Price.Fen; p.Stock = v.Stock; p.MinOrderQuantity = v.MinOrderQuantity;
        p.Description = v.Description; p.Certifications = v.Certifications;
    }

    private void Transition(Product product, ProductStep step, Actor actor)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        product.Status = step.To;
        product.UpdatedAt = now;
        if (step.To == ProductStatus.Listed) product.ListedAt ??= now;
        if (step.Action == ProductAction.Reject) product.RejectionReason = step.Reason;
        if (step.To == ProductStatus.PendingReview) product.RejectionReason = null;
        db.ProductStatusEvents.Add(new ProductStatusEvent
        {
            ProductId = product.Id, From = step.From, To = step.To, Action = step.Action, ActorUserId = actor.UserId,
            ActorName = actor.Name, Reason = step.Reason, At = now,
        });
    }

    /// <summary>A vendor's own shelf actions: submit for review, take off shelf, put back on shelf.</summary>
    public async Task<bool> VendorActAsync(Actor actor, int vendorId, int id, ProductAction action, CancellationToken ct)
    {
        if (action is not (ProductAction.SubmitForReview or ProductAction.TakeOffShelf or ProductAction.PutOnShelf))
            throw new ForbiddenException("供应商不能执行此操作", "A vendor cannot take this action.");
        var product = await Own(vendorId).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null) return false;
        var vendor = await VendorAsync(vendorId, ct);
        Transition(product, ProductLifecycle.Apply(product.Status, action, vendor.Status), actor);
        await SaveGuardedAsync(ct);
        return true;
    }

    /// <summary>The platform's review of a pending product.</summary>
    public async Task<bool> ReviewAsync(Actor actor, int id, ProductAction action, string? reason, CancellationToken ct)
    {
        if (!actor.Is(Roles.PlatformAdmin)) throw new ForbiddenException("只有平台管理员可以审核商品", "Only a platform admin reviews products.");
        if (action is not (ProductAction.Approve or ProductAction.Reject)) throw new DomainException("不支持的审核操作", "Unsupported review action.");
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null) return false;
        var vendorStatus = await db.Vendors.Where(v => v.Id == product.VendorId).Select(v => v.Status).FirstAsync(ct);
        Transition(product, ProductLifecycle.Apply(product.Status, action, vendorStatus, reason), actor);
        await SaveGuardedAsync(ct);
        return true;
    }

    /// <summary>Saves; the product's Version token makes a concurrent change by someone else fail instead of being overwritten.</summary>
    private async Task SaveGuardedAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("商品已被他人修改，请刷新后重试", "The product changed meanwhile; reload and try again.");
        }
    }

    public async Task<ReviewQueueViewModel> ReviewQueueAsync(ProductStatus status, int? categoryId, int? after, CancellationToken ct)
    {
        var q = db.Products.AsNoTracking().Where(p => p.Status == status);
        if (categoryId is { } c) q = q.Where(p => p.CategoryId == c);
        var total = await q.CountAsync(ct);
        // Oldest first: the queue is worked in the order products arrived.
        if (after is { } a) q = q.Where(p => p.Id > a);
        var rows = await q.OrderBy(p => p.Id).Take(PageSize + 1)
            .Select(p => new ReviewRow(p.Id, p.Name, p.Vendor!.Name, p.PriceFen, p.Unit, p.CoverPhotoKey, p.UpdatedAt)).ToListAsync(ct);
        return new ReviewQueueViewModel(rows.Take(PageSize).ToList(), status, categoryId, await CategoriesAsync(ct),
            rows.Count > PageSize ? rows[PageSize - 1].Id : null, total);
    }

    /// <summary>
    /// Adds photos: each file is fully processed before anything is stored; files are stored before the rows that
    /// point at them, and removed again if the database save fails, so a failed upload leaves nothing behind.
    /// </summary>
    public async Task<bool> AddPhotosAsync(Actor actor, int vendorId, int id, IReadOnlyList<(string FileName, byte[] Data)> files, CancellationToken ct)
    {
        var product = await Own(vendorId).Include(p => p.Photos).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null) return false;
        if (files.Count == 0) throw new DomainException("请选择要上传的图片", "Choose at least one image to upload.");
        if (product.Photos.Count + files.Count > ProductRules.MaxPhotos)
            throw new DomainException($"每个商品最多{ProductRules.MaxPhotos}张图片", $"A product may have at most {ProductRules.MaxPhotos} photos.");

        var processed = new List<ProcessedImage>();
        foreach (var (name, data) in files)
        {
            try { processed.Add(images.Process(data)); }
            catch (ImageRejectedException ex) { throw new ImageRejectedException($"“{name}”：{ex.MessageZh}", $"'{name}': {ex.MessageEn}"); }
        }

        var keys = new List<string>();
        try
        {
            foreach (var image in processed) keys.Add(await store.SaveAsync(image.Renditions, ct));
            var vendor = await VendorAsync(vendorId, ct);
            if (product.Status is ProductStatus.Listed or ProductStatus.OffShelf)
                Transition(product, ProductLifecycle.Apply(product.Status, ProductAction.EditedReviewedContent, vendor.Status), actor);
            var order = product.Photos.Count == 0 ? 0 : product.Photos.Max(p => p.SortOrder) + 1;
            var now = clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < keys.Count; i++)
                product.Photos.Add(new ProductPhoto { StorageKey = keys[i], SortOrder = order + i, Width = processed[i].Width, Height = processed[i].Height, CreatedAt = now });
            product.CoverPhotoKey = product.Photos.OrderBy(p => p.SortOrder).First().StorageKey;
            product.UpdatedAt = now;
            await SaveGuardedAsync(ct);
            return true;
        }
        catch
        {
            foreach (var key in keys) store.Delete(key);
            throw;
        }
    }

    public async Task<bool> DeletePhotoAsync(Actor actor, int vendorId, int id, int photoId, CancellationToken ct)
    {
        var product = await Own(vendorId).Include(p => p.Photos).FirstOrDefaultAsync(p => p.Id == id, ct);
        var photo = product?.Photos.FirstOrDefault(p => p.Id == photoId);
        if (product is null || photo is null) return false;
        var vendor = await VendorAsync(vendorId, ct);
        if (product.Status is ProductStatus.Listed or ProductStatus.OffShelf)
            Transition(product, ProductLifecycle.Apply(product.Status, ProductAction.EditedReviewedContent, vendor.Status), actor);
        product.Photos.Remove(photo);
        db.ProductPhotos.Remove(photo);
        product.CoverPhotoKey = product.Photos.OrderBy(p => p.SortOrder).FirstOrDefault()?.StorageKey;
        await SaveGuardedAsync(ct);
        store.Delete(photo.StorageKey); // after the commit: a failed save keeps the files the rows point at
        return true;
    }
}
