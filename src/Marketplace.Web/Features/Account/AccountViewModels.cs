using System.ComponentModel.DataAnnotations;

namespace Marketplace.Web.Features.Account;

public sealed class LoginViewModel
{
    [Required(ErrorMessage = "Enter your user name.")]
    [StringLength(100)]
    [Display(Name = "User name")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(200)]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string Password { get; set; } = "";

    [Display(Name = "Remember me")]
    public bool RememberMe { get; set; }

    public string? ReturnUrl { get; set; }
}

public sealed record ProfileViewModel(string UserName, string DisplayName, IReadOnlyList<string> Roles, string? BudgetUnit, string? Vendor, string? Region);
