namespace Marketplace.Domain.Administration;

/// <summary>What an account is for: its role and the one scope that goes with it.</summary>
public sealed record AccountGrant(string Role, int? UnitRegionId, int? RegionId, int? VendorId);

/// <summary>
/// Who may create or manage which accounts: nobody grants a role or scope above their own. The platform grants
/// anything; a finance bureau grants buyers of units in its region and finance-bureau accounts for its region or the
/// regions below; a vendor's owner grants staff accounts of that vendor.
/// </summary>
public static class AccountRules
{
    public static void EnsureMayGrant(Actor actor, AccountGrant grant, bool actorIsVendorOwner)
    {
        if (!Roles.All.Contains(grant.Role)) throw new DomainException("角色无效", "Not a valid role.");
        if (actor.Is(Roles.PlatformAdmin)) return;
        var allowed = grant.Role switch
        {
            Roles.Buyer => actor.Is(Roles.FinanceBureau) && actor.RegionId is { } r && grant.UnitRegionId is { } u && RegionCode.Contains(r, u),
            Roles.FinanceBureau => actor.Is(Roles.FinanceBureau) && actor.RegionId is { } r && grant.RegionId is { } g && RegionCode.IsValid(g) && RegionCode.Contains(r, g),
            Roles.Vendor => actor.Is(Roles.Vendor) && actorIsVendorOwner && actor.VendorId is { } v && grant.VendorId == v,
            _ => false,
        };
        if (!allowed)
            throw new ForbiddenException("不能授予超出您自身范围的角色或权限", "You cannot grant a role or scope beyond your own.");
    }
}

/// <summary>
/// Password policy: 8 to 128 characters, not containing the user name, not one of the passwords every attacker tries
/// first, not one character repeated. Messages are bilingual.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private static readonly HashSet<string> Weak = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "12345678", "123456789", "1234567890", "87654321",
        "11111111", "88888888", "66666666", "00000000", "qwertyui", "qwerty123", "qwertyuiop", "1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t",
        "abc12345", "abcd1234", "a1234567", "aa123456", "abc123456", "iloveyou", "woaini1314", "5201314520", "admin123", "admin@123",
        "admin1234", "administrator", "root1234", "test1234", "welcome1", "letmein1", "changeme", "zaq12wsx", "asdfghjk", "asdf1234",
        "123qweasd", "qweasdzxc", "1qazxsw2", "123123123", "12341234", "112233445566", "147258369", "159357456", "qq123456", "wang1234",
        "zhang123", "a12345678", "abcdefg1", "Aa123456", "Aa123456!", "Admin@2024", "Admin@2025", "Admin@2026", "Password@123", "P@ssw0rd123",
    };

    public static IReadOnlyList<(string Zh, string En)> Check(string? userName, string? password)
    {
        var errors = new List<(string, string)>();
        password ??= "";
        if (password.Length < MinLength) errors.Add(($"密码至少{MinLength}位", $"The password needs at least {MinLength} characters."));
        if (password.Length > MaxLength) errors.Add(($"密码最多{MaxLength}位", $"The password may have at most {MaxLength} characters."));
        if (!string.IsNullOrWhiteSpace(userName) && userName.Trim().Length >= 3 && password.Contains(userName.Trim(), StringComparison.OrdinalIgnoreCase))
            errors.Add(("密码不能包含用户名", "The password must not contain the user name."));
        if (Weak.Contains(password)) errors.Add(("该密码过于常见，容易被猜中", "This password is too common and easily guessed."));
        if (password.Length > 0 && password.All(c => c == password[0])) errors.Add(("密码不能由同一个字符组成", "The password cannot be one character repeated."));
        return errors;
    }
}
