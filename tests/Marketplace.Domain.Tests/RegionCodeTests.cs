using Marketplace.Domain;

namespace Marketplace.Domain.Tests;

public class RegionCodeTests
{
    [Theory]
    [InlineData(520000, RegionLevel.Province)]
    [InlineData(522700, RegionLevel.City)]
    [InlineData(522701, RegionLevel.County)]
    [InlineData(419001, RegionLevel.County)] // 济源市, under the 省直辖 placeholder 419000
    public void Level_follows_the_code(int code, RegionLevel level) => Assert.Equal(level, RegionCode.LevelOf(code));

    [Fact]
    public void Subtree_is_a_contiguous_code_range()
    {
        Assert.Equal((520000, 529999), RegionCode.SubtreeRange(520000));
        Assert.Equal((522700, 522799), RegionCode.SubtreeRange(522700));
        Assert.Equal((522701, 522701), RegionCode.SubtreeRange(522701));
        Assert.True(RegionCode.Contains(520000, 522701));
        Assert.True(RegionCode.Contains(522700, 522701));
        Assert.False(RegionCode.Contains(522700, 522601));
        Assert.False(RegionCode.Contains(530000, 522701));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(99999)]
    [InlineData(1000000)]
    public void Malformed_codes_are_refused(int code) => Assert.Throws<ArgumentOutOfRangeException>(() => RegionCode.LevelOf(code));

    [Fact]
    public void Province_of_a_county() => Assert.Equal(520000, RegionCode.ProvinceOf(522701));
}

public class UnifiedSocialCreditCodeTests
{
    [Theory]
    [InlineData("91330100799655058B")] // published codes of well-known companies
    [InlineData("91110000802100433B")]
    [InlineData("91440300708461136T")]
    [InlineData("91440300708461136t")] // lower case is accepted (normalised)
    public void Accepts_real_codes(string code) => Assert.Null(UnifiedSocialCreditCode.Validate(code));

    [Theory]
    [InlineData("91330100799655058C", "校验位")]  // wrong check character
    [InlineData("9133010079965505", "18位")]     // too short
    [InlineData("91330100799655058BX", "18位")]  // too long
    [InlineData("9133010079965505IB", "非法字符")] // I is not in the alphabet
    [InlineData("", "不能为空")]
    public void Refuses_bad_codes_with_a_bilingual_reason(string code, string reasonPart)
    {
        var reason = UnifiedSocialCreditCode.Validate(code);
        Assert.NotNull(reason);
        Assert.Contains(reasonPart, reason);
        Assert.Contains("/", reason); // Chinese / English
    }

    [Fact]
    public void Every_single_character_change_is_detected()
    {
        const string valid = "91330100799655058B";
        for (var i = 0; i < 18; i++)
            foreach (var c in UnifiedSocialCreditCode.Alphabet)
            {
                if (c == valid[i]) continue;
                var changed = valid[..i] + c + valid[(i + 1)..];
                Assert.False(UnifiedSocialCreditCode.IsValid(changed), changed);
            }
    }
}
