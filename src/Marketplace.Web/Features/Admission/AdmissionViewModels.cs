using System.ComponentModel.DataAnnotations;
using Marketplace.Domain;

namespace Marketplace.Web.Features.Admission;

/// <summary>The vendor registration form (供应商入驻申请).</summary>
public sealed class VendorApplicationForm
{
    [Required, StringLength(50, MinimumLength = 3)] public string UserName { get; set; } = "";
    [Required, EmailAddress, StringLength(100)] public string Email { get; set; } = "";
    [Required, StringLength(100, MinimumLength = 8), DataType(DataType.Password)] public string Password { get; set; } = "";
    [Required, StringLength(100, MinimumLength = 4)] public string VendorName { get; set; } = "";
    public VendorKind Kind { get; set; } = VendorKind.Cooperative;
    [Required] public string CreditCode { get; set; } = "";
    [Range(110000, 829999)] public int CountyId { get; set; }
    [Required, StringLength(50)] public string ContactName { get; set; } = "";
    [Required, RegularExpression(@"^[0-9+\- ]{7,20}$")] public string ContactPhone { get; set; } = "";
    [Required, StringLength(2000, MinimumLength = 10)] public string FarmerLinkage { get; set; } = "";
    [StringLength(2000)] public string? Introduction { get; set; }
}

public sealed record CountyOption(int Id, string Path);

public sealed record ApplicationFormViewModel(VendorApplicationForm Form, IReadOnlyList<CountyOption> Counties);

public sealed record VendorRow(int Id, string Name, VendorKind Kind, string CountyPath, VendorStatus Status, DateTime CreatedAt);

public sealed record VendorQueueViewModel(
    IReadOnlyList<VendorRow> Rows, VendorStatus? Status, string? Query, int? NextAfter, int Total, string ScopeName);

public sealed record AdmissionHistoryRow(VendorStatus From, VendorStatus To, AdmissionAction Action, string ActorName, string ActorRole, string? Reason, DateTime At);

public sealed record VendorAdmissionViewModel(
    int Id, string Name, VendorKind Kind, string CreditCode, string CountyPath, VendorStatus Status,
    string ContactName, string ContactPhone, string FarmerLinkage, string Introduction, DateTime CreatedAt,
    IReadOnlyList<AdmissionHistoryRow> History, IReadOnlyList<AdmissionAction> Actions);
