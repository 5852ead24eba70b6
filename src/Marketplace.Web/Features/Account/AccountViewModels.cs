using System.ComponentModel.DataAnnotations;

namespace Marketplace.Web.Features.Account;

public sealed class LoginViewModel
{
    [Required(ErrorMessage = "Enter your user name.")]
    [StringLength(100, ErrorMessage = "{0} may have at most {1} characters.")]
    [Display(Name = "User name")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(200, ErrorMessage = "{0} may have at most {1} characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string Password { get; set; } = "";

    [Display(Name = "Remember me")]
    public bool RememberMe { get; set; }

    public string? ReturnUrl { get; set; }
}

public sealed record ProfileViewModel(string UserName, string DisplayName, IReadOnlyList<string> Roles, string? BudgetUnit, string? Vendor, string? Region);

/// <summary>A new password typed twice (changing one, or setting one from an invitation).</summary>
public abstract class NewPasswordForm
{
    [Required(ErrorMessage = "Enter a new password.")]
    [StringLength(128, ErrorMessage = "{0} may have at most {1} characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password")]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Enter the new password again.")]
    [StringLength(128, ErrorMessage = "{0} may have at most {1} characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password again")]
    public string ConfirmPassword { get; set; } = "";
}

public sealed class ChangePasswordViewModel : NewPasswordForm
{
    [Required(ErrorMessage = "Enter your current password.")]
    [StringLength(200, ErrorMessage = "{0} may have at most {1} characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string CurrentPassword { get; set; } = "";

    /// <summary>Shown after a one-time password: nothing else is possible until it is changed.</summary>
    public bool Required { get; set; }
}

public sealed class InviteViewModel : NewPasswordForm
{
    [Required(ErrorMessage = "The invitation link is incomplete.")] [StringLength(450, ErrorMessage = "The invitation link is incomplete.")] public string User { get; set; } = "";
    [Required(ErrorMessage = "The invitation link is incomplete.")] [StringLength(2000, ErrorMessage = "The invitation link is incomplete.")] public string Token { get; set; } = "";
    public string UserName { get; set; } = "";
}
