using System.Globalization;
using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Infrastructure;

/// <summary>Labels for domain values, localised through the shared resource (keys are the English labels).</summary>
public static class DisplayText
{
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string CategoryName(string zh, string en) => IsEnglish ? en : zh;

    public static IEnumerable<string> Certifications(IStringLocalizer l, Certification c)
    {
        if (c.HasFlag(Certification.Green)) yield return l["Green food"];
        if (c.HasFlag(Certification.Organic)) yield return l["Organic"];
        if (c.HasFlag(Certification.GeographicalIndication)) yield return l["Geographical indication"];
        if (c.HasFlag(Certification.QualifiedCertificate)) yield return l["Compliance certificate"];
    }

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
}
