using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;

namespace Marketplace.Domain;

/// <summary>The Chinese names of states, for messages that name one (never the code: “已发货”, not “Shipped”).</summary>
public static class StatusNames
{
    public static string Zh(VendorStatus s) => s switch
    {
        VendorStatus.Submitted => "已提交", VendorStatus.CountyRecommended => "县级已推荐", VendorStatus.Active => "已入驻",
        VendorStatus.Rejected => "已驳回", VendorStatus.Suspended => "已暂停", _ => "未知",
    };

    public static string Zh(ProductStatus s) => s switch
    {
        ProductStatus.Draft => "草稿", ProductStatus.PendingReview => "待审核", ProductStatus.Listed => "已上架",
        ProductStatus.Rejected => "审核未通过", ProductStatus.OffShelf => "已下架", _ => "未知",
    };

    public static string Zh(OrderStatus s) => s switch
    {
        OrderStatus.PendingPayment => "待付款", OrderStatus.Paid => "已付款", OrderStatus.Shipped => "已发货", OrderStatus.Delivered => "已送达",
        OrderStatus.Accepted => "已验收", OrderStatus.Completed => "已完成", OrderStatus.Cancelled => "已取消", OrderStatus.Refunded => "已退款", _ => "未知",
    };

    public static string Zh(RefundStatus s) => s switch
    {
        RefundStatus.Requested => "待供应商处理", RefundStatus.Disputed => "有争议待仲裁", RefundStatus.Approved => "已同意",
        RefundStatus.Rejected => "已驳回", RefundStatus.Refunded => "已退款", _ => "未知",
    };

    public static string Zh(FilingStatus s) => s switch
    {
        FilingStatus.Draft => "草稿", FilingStatus.Submitted => "已提交", FilingStatus.Approved => "已审核通过", FilingStatus.Returned => "已退回", _ => "未知",
    };
}
