namespace Marketplace.Domain;

public enum ProductAction
{
    SubmitForReview = 1, // vendor: Draft/Rejected → PendingReview
    Approve = 2,         // admin: PendingReview → Listed
    Reject = 3,          // admin: PendingReview → Rejected (reason)
    TakeOffShelf = 4,    // vendor: Listed → OffShelf
    PutOnShelf = 5,      // vendor: OffShelf → Listed (only if approved content unchanged)
    EditedReviewedContent = 6, // vendor changed price, name or photos of a Listed/OffShelf product → PendingReview
    VendorSuspended = 7, // system: the vendor was suspended: Listed → OffShelf
}

public sealed record ProductStep(ProductStatus From, ProductStatus To, ProductAction Action, string? Reason);

/// <summary>
/// 商品上架审核: Draft → PendingReview → Listed or Rejected; a vendor takes a listed product off shelf and puts it back;
/// changing what the reviewer approved (price, name, photos) sends it back to review. Only an Active vendor lists.
/// </summary>
public static class ProductLifecycle
{
    private static readonly (ProductStatus From, ProductAction Action, ProductStatus To)[] Rules =
    [
        (ProductStatus.Draft, ProductAction.SubmitForReview, ProductStatus.PendingReview),
        (ProductStatus.Rejected, ProductAction.SubmitForReview, ProductStatus.PendingReview),
        (ProductStatus.PendingReview, ProductAction.Approve, ProductStatus.Listed),
        (ProductStatus.PendingReview, ProductAction.Reject, ProductStatus.Rejected),
        (ProductStatus.Listed, ProductAction.TakeOffShelf, ProductStatus.OffShelf),
        (ProductStatus.OffShelf, ProductAction.PutOnShelf, ProductStatus.Listed),
        (ProductStatus.Listed, ProductAction.EditedReviewedContent, ProductStatus.PendingReview),
        (ProductStatus.OffShelf, ProductAction.EditedReviewedContent, ProductStatus.PendingReview),
        (ProductStatus.Listed, ProductAction.VendorSuspended, ProductStatus.OffShelf),
    ];

    private static readonly ProductAction[] VendorActions =
        [ProductAction.SubmitForReview, ProductAction.TakeOffShelf, ProductAction.PutOnShelf, ProductAction.EditedReviewedContent];

    public static bool CanApply(ProductStatus from, ProductAction action) => Rules.Any(r => r.From == from && r.Action == action);

    public static ProductStep Apply(ProductStatus current, ProductAction action, VendorStatus vendorStatus, string? reason = null)
    {
        var rule = Rules.FirstOrDefault(r => r.From == current && r.Action == action);
        if (rule == default)
            throw new DomainException($"商品当前状态（{StatusNames.Zh(current)}）不能执行此操作", $"A product in state {current} cannot take the action {action}.");
        if (VendorActions.Contains(action) && action != ProductAction.TakeOffShelf && vendorStatus != VendorStatus.Active)
            throw new DomainException("供应商未通过准入或已被暂停，不能上架商品", "Only an active vendor can list products.");
        if (action == ProductAction.Approve && vendorStatus != VendorStatus.Active)
            throw new DomainException("供应商不是正常状态，不能通过上架审核", "The vendor is not active; the product cannot be listed.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (action == ProductAction.Reject && reason is null)
            throw new DomainException("驳回时请填写原因", "A rejection needs a reason.");
        return new ProductStep(current, rule.To, action, reason);
    }

    /// <summary>Edits a vendor may make without a new review (stock, description…) versus ones a reviewer must see.</summary>
    public static bool NeedsReview(string oldName, long oldPriceFen, string newName, long newPriceFen, bool photosChanged) =>
        photosChanged || oldPriceFen != newPriceFen || !string.Equals(oldName, newName, StringComparison.Ordinal);
}
