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

public sealed class ChangePasswordViewModel
{
    [Required(ErrorMessage = "Enter your current password.")]
    [StringLength(200)]
    [DataType(DataType.Password)]
    public string CurrentPassword { get; set; } = "";

    [Required(ErrorMessage = "Enter a new password.")]
    [StringLength(128)]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Enter the new password again.")]
    [StringLength(128)]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";

    /// <summary>Shown after a one-time password: nothing else is possible until it is changed.</summary>
    public bool Required { get; set; }
}

public sealed class InviteViewModel
{
    [Required] [StringLength(450)] public string User { get; set; } = "";
    [Required] [StringLength(2000)] public string Token { get; set; } = "";
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter a new password.")]
    [StringLength(128)]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Enter the new password again.")]
    [StringLength(128)]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}
