using Marketplace.Domain;

namespace Marketplace.Domain.Tests;

public class MoneyTests
{
    [Theory]
    [InlineData("12", 1200)]
    [InlineData("12.8", 1280)]
    [InlineData("12.80", 1280)]
    [InlineData("0.05", 5)]
    [InlineData("¥1,234.50", 123450)]
    [InlineData("￥ 3.00", 300)]
    [InlineData("99元", 9900)]
    [InlineData(" 7.1 ", 710)]
    [InlineData("-2.50", -250)]
    [InlineData("１２．８", 1280)]          // full-width, as Chinese input methods type it
    [InlineData("１，２３４．５０", 123450)]
    [InlineData("－３", -300)]
    public void Parses_yuan_as_typed_into_exact_fen(string text, long fen)
    {
        Assert.True(Money.TryParseYuan(text, out var money));
        Assert.Equal(fen, money.Fen);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1.234")]   // more than two decimals is refused, not rounded
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData(".5")]
    [InlineData("1e3")]
    [InlineData("12.")]
    [InlineData("9999999999999999")]
    [InlineData("1,2,3")]   // separators only where thousands are
    [InlineData("12,34.5")]
    public void Refuses_what_is_not_an_amount(string? text)
    {
        Assert.False(Money.TryParseYuan(text, out _));
    }

    [Fact]
    public void Sums_exactly_where_floating_point_would_not()
    {
        var total = Money.Zero;
        for (var i = 0; i < 10; i++) total += new Money(10); // ten times ¥0.10
        Assert.Equal(Money.FromYuan(1), total);
        Assert.Equal(new Money(30), new Money(10) + new Money(20));
    }

    [Theory]
    [InlineData(0, "¥0.00")]
    [InlineData(5, "¥0.05")]
    [InlineData(123456789, "¥1,234,567.89")]
    [InlineData(-250, "-¥2.50")]
    public void Displays_with_symbol_grouping_and_two_decimals(long fen, string expected)
    {
        Assert.Equal(expected, new Money(fen).ToString());
    }

    [Fact]
    public void Yuan_string_round_trips_through_the_parser()
    {
        foreach (var fen in new long[] { 0, 1, 99, 100, 123456, -7 })
        {
            Assert.True(Money.TryParseYuan(new Money(fen).ToYuanString(), out var back));
            Assert.Equal(fen, back.Fen);
        }
    }

    [Fact]
    public void Multiplication_overflow_is_an_error_not_a_wrap()
    {
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue / 2) * 3);
    }
}

public class BasisPointsTests
{
    [Fact]
    public void Share_rounds_up_to_the_fen()
    {
        // 15% of ¥100.01 = ¥15.0015 → ¥15.01
        Assert.Equal(1501, new BasisPoints(1500).ApplyRoundingUp(new Money(10001)).Fen);
        // Exact shares are not rounded.
        Assert.Equal(1500, new BasisPoints(1500).ApplyRoundingUp(new Money(10000)).Fen);
        Assert.Equal(0, new BasisPoints(3000).ApplyRoundingUp(Money.Zero).Fen);
    }

    [Fact]
    public void Converts_percent_with_at_most_two_decimals()
    {
        Assert.Equal(1550, BasisPoints.FromPercent(15.5m).Value);
        Assert.Equal("15.5%", new BasisPoints(1550).ToString());
        Assert.Throws<ArgumentException>(() => BasisPoints.FromPercent(15.555m));
    }

    [Fact]
    public void Negative_amount_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BasisPoints(1500).ApplyRoundingUp(new Money(-1)));
    }
}
