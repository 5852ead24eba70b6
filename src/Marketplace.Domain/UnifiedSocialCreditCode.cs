namespace Marketplace.Domain;

/// <summary>
/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet (no I, O, Z, S, V);
/// the last is a check character over the first 17 with weights 3^i mod 31.
/// </summary>
public static class UnifiedSocialCreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static char ComputeCheckChar(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("Need the first 17 characters.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = Alphabet.IndexOf(char.ToUpperInvariant(first17[i]));
            if (v < 0) throw new ArgumentException($"'{first17[i]}' is not allowed in a credit code.", nameof(first17));
            sum += v * Weights[i];
        }
        var check = (31 - sum % 31) % 31;
        return Alphabet[check];
    }

    /// <summary>Returns null when valid, otherwise a short reason (zh / en).</summary>
    public static string? Validate(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return "统一社会信用代码不能为空 / The credit code is required.";
        code = code.Trim().ToUpperInvariant();
        if (code.Length != 18) return "统一社会信用代码必须是18位 / The credit code must have 18 characters.";
        foreach (var c in code)
            if (Alphabet.IndexOf(c) < 0) return $"统一社会信用代码含非法字符“{c}” / The credit code contains an invalid character '{c}'.";
        return ComputeCheckChar(code.AsSpan(0, 17)) == code[17]
            ? null
            : "统一社会信用代码校验位不正确 / The credit code's check character is wrong.";
    }

    public static bool IsValid(string? code) => Validate(code) is null;
}
