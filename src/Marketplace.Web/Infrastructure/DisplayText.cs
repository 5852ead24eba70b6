using System.Globalization;
using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Infrastructure;

/// <summary>Labels for domain values, localised through the shared resource (keys are the English labels).</summary>
public static class DisplayText
{
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string CategoryName(string zh, string en) => IsEnglish ? en : zh;

    /// <summary>Stored bilingual text ("中文 / English"): the part in the visitor's language.</summary>
    public static string OneLanguage(string text)
    {
        var cut = text.IndexOf(" / ", StringComparison.Ordinal);
        return cut < 0 ? text : IsEnglish ? text[(cut + 3)..].Trim() : text[..cut].Trim();
    }

    public static IEnumerable<string> Certifications(IStringLocalizer l, Certification c)
    {
        if (c.HasFlag(Certification.Green)) yield return l["Green food"];
        if (c.HasFlag(Certification.Organic)) yield return l["Organic"];
        if (c.HasFlag(Certification.GeographicalIndication)) yield return l["Geographical indication"];
        if (c.HasFlag(Certification.QualifiedCertificate)) yield return l["Compliance certificate"];
    }

    public static string Standing(IStringLocalizer l, Domain.Quota.StandingStatus status) => status switch
    {
        Domain.Quota.StandingStatus.OnTrack => l["On track"],
        Domain.Quota.StandingStatus.Lagging => l["Behind schedule"],
        Domain.Quota.StandingStatus.NotFiled => l["Not filed"],
        Domain.Quota.StandingStatus.Pending => l["Awaiting review"],
        Domain.Quota.StandingStatus.Exempt => l["No canteen (exempt)"],
        Domain.Quota.StandingStatus.Shared => l["Shared canteen (counted with host)"],
        _ => l["No policy yet"],
    };

    public static string Canteen(IStringLocalizer l, Domain.Quota.CanteenArrangement arrangement) => arrangement switch
    {
        Domain.Quota.CanteenArrangement.OwnCanteen => l["Own canteen"],
        Domain.Quota.CanteenArrangement.Outsourced => l["Outsourced canteen"],
        Domain.Quota.CanteenArrangement.NoCanteen => l["No canteen"],
        _ => l["Shared canteen"],
    };

    public static string Alert(IStringLocalizer l, Domain.Quota.AlertKind kind) => kind switch
    {
        Domain.Quota.AlertKind.Lagging => l["Behind schedule"],
        Domain.Quota.AlertKind.NotFiled => l["Not filed"],
        _ => l["Early warning"],
    };

    public static string VendorKind(IStringLocalizer l, VendorKind kind) => kind switch
    {
        Domain.VendorKind.Enterprise => l["Enterprise"],
        Domain.VendorKind.Cooperative => l["Farmers' cooperative"],
        Domain.VendorKind.FamilyFarm => l["Family farm"],
        _ => kind.ToString(),
    };

    public static string Role(IStringLocalizer l, string role) => role switch
    {
        Roles.Buyer => l["Canteen buyer"],
        Roles.Vendor => l["Vendor"],
        Roles.FinanceBureau => l["Finance bureau"],
        Roles.PlatformAdmin => l["Platform admin"],
        _ => role,
    };

    public static string VendorStatus(IStringLocalizer l, VendorStatus status) => status switch
    {
        Domain.VendorStatus.Submitted => l["Submitted"],
        Domain.VendorStatus.CountyRecommended => l["Recommended by county"],
        Domain.VendorStatus.Active => l["Active"],
        Domain.VendorStatus.Rejected => l["Rejected"],
        Domain.VendorStatus.Suspended => l["Suspended"],
        _ => status.ToString(),
    };

    public static string AdmissionAction(IStringLocalizer l, AdmissionAction action) => action switch
    {
        Domain.AdmissionAction.Submit => l["Applied"],
        Domain.AdmissionAction.Recommend => l["Recommend"],
        Domain.AdmissionAction.RejectByCounty => l["Reject (county)"],
        Domain.AdmissionAction.Approve => l["Approve"],
        Domain.AdmissionAction.RejectByPlatform => l["Reject (platform)"],
        Domain.AdmissionAction.Suspend => l["Suspend"],
        Domain.AdmissionAction.Reinstate => l["Reinstate"],
        _ => action.ToString(),
    };

    public static string ProductStatus(IStringLocalizer l, ProductStatus status) => status switch
    {
        Domain.ProductStatus.Draft => l["Draft"],
        Domain.ProductStatus.PendingReview => l["Pending review"],
        Domain.ProductStatus.Listed => l["Listed"],
        Domain.ProductStatus.Rejected => l["Rejected"],
        Domain.ProductStatus.OffShelf => l["Off shelf"],
        _ => status.ToString(),
    };

    public static string ProductAction(IStringLocalizer l, ProductAction action) => action switch
    {
        Domain.ProductAction.SubmitForReview => l["Submit for review"],
        Domain.ProductAction.TakeOffShelf => l["Take off shelf"],
        Domain.ProductAction.PutOnShelf => l["Put back on shelf"],
        Domain.ProductAction.Approve => l["Approve"],
        Domain.ProductAction.Reject => l["Reject"],
        _ => action.ToString(),
    };
}
