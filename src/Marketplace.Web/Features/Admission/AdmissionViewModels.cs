using System.ComponentModel.DataAnnotations;
using Marketplace.Domain;

namespace Marketplace.Web.Features.Admission;

/// <summary>The vendor registration form (供应商入驻申请).</summary>
public sealed class VendorApplicationForm
{
    // Messages and names are resource keys (English), translated through SharedResource like every other label.
    [Display(Name = "User name")]
    [Required(ErrorMessage = "{0} is required."), StringLength(50, MinimumLength = 3, ErrorMessage = "{0} must have {2} to {1} characters.")]
    public string UserName { get; set; } = "";
    [Display(Name = "E-mail")]
    [Required(ErrorMessage = "{0} is required."), EmailAddress(ErrorMessage = "{0} is not a valid e-mail address."), StringLength(100, ErrorMessage = "{0} may have at most {1} characters.")]
    public string Email { get; set; } = "";
    [Display(Name = "Password")]
    [Required(ErrorMessage = "{0} is required."), StringLength(100, MinimumLength = 8, ErrorMessage = "{0} must have {2} to {1} characters."), DataType(DataType.Password)]
    public string Password { get; set; } = "";
    [Display(Name = "Vendor name")]
    [Required(ErrorMessage = "{0} is required."), StringLength(100, MinimumLength = 4, ErrorMessage = "{0} must have {2} to {1} characters.")]
    public string VendorName { get; set; } = "";
    public VendorKind Kind { get; set; } = VendorKind.Cooperative;
    [Display(Name = "Unified social credit code")]
    [Required(ErrorMessage = "{0} is required.")]
    public string CreditCode { get; set; } = "";
    [Display(Name = "County")]
    [Range(110000, 829999, ErrorMessage = "Choose a {0}.")]
    public int CountyId { get; set; }
    [Display(Name = "Contact person")]
    [Required(ErrorMessage = "{0} is required."), StringLength(50, ErrorMessage = "{0} may have at most {1} characters.")]
    public string ContactName { get; set; } = "";
    [Display(Name = "Contact phone")]
    [Required(ErrorMessage = "{0} is required."), RegularExpression(@"^[0-9+\- ]{7,20}$", ErrorMessage = "{0} must be 7 to 20 digits (+, - and spaces allowed).")]
    public string ContactPhone { get; set; } = "";
    [Display(Name = "How farmers benefit")]
    [Required(ErrorMessage = "{0} is required."), StringLength(2000, MinimumLength = 10, ErrorMessage = "{0} must have {2} to {1} characters.")]
    public string FarmerLinkage { get; set; } = "";
    [Display(Name = "Introduction")]
    [StringLength(2000, ErrorMessage = "{0} may have at most {1} characters.")]
    public string? Introduction { get; set; }
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
