using Marketplace.Domain;
using Marketplace.Domain.Orders;

namespace Marketplace.Domain.Tests;

public class BankStatementTests
{
    [Fact]
    public void Parses_a_chinese_export_with_bom_quotes_and_outgoing_lines()
    {
        var csv = "\uFEFF交易流水号,交易日期,金额(元),对方户名,摘要\r\n" +
                  "T001,2026-11-20,\"1,234.50\",某某市第一中学,\"货款 识别码K7M2P9QX, 谢谢\"\r\n" +
                  "T002,2026/11/21,-50.00,快递公司,运费\r\n" +
                  "\r\n" +
                  "T003,20261122,88,\"张\"\"三\"\"\",附言 abcdefgh\r\n";
        var parsed = BankStatement.Parse(csv);
        Assert.Equal(1, parsed.SkippedOutgoing);
        Assert.Equal(2, parsed.Incoming.Count);
        var first = parsed.Incoming[0];
        Assert.Equal(("T001", new DateOnly(2026, 11, 20), 123450L, "某某市第一中学", 2), (first.TransactionId, first.BookedOn, first.Amount.Fen, first.Payer, first.Row));
        Assert.Equal("货款 识别码K7M2P9QX, 谢谢", first.Memo);
        Assert.Equal("张\"三\"", parsed.Incoming[1].Payer);
        Assert.Equal(5, parsed.Incoming[1].Row);
    }

    [Fact]
    public void English_headers_in_any_order_are_recognised()
    {
        var parsed = BankStatement.Parse("Memo,Amount,Date,Transaction ID\nCODE 23456789,10.5,2026-01-02,X9\n");
        Assert.Equal(1050, Assert.Single(parsed.Incoming).Amount.Fen);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("流水号,日期,金额\nT1,2026-01-01,5\n", "header")]
    [InlineData("流水号,日期,金额,摘要\nT1,2026-13-01,5,x\n", "Row 2")]
    [InlineData("流水号,日期,金额,摘要\nT1,2026-01-01,5.001,x\n", "Row 2")]
    [InlineData("流水号,日期,金额,摘要\nT1,2026-01-01,5,x\n,2026-01-01,5,x\n", "Row 3")]
    [InlineData("流水号,日期,金额,摘要\nT1,2026-01-01,5,\"x\n", "not closed")]
    public void Malformed_files_are_refused_with_the_row(string csv, string expected)
    {
        var e = Assert.Throws<DomainException>(() => BankStatement.Parse(csv));
        Assert.Contains(expected, e.MessageEn, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("识别码K7M2P9QX", new[] { "K7M2P9QX" })]
    [InlineData("k7m2p9qx 货款", new[] { "K7M2P9QX" })]
    [InlineData("订单2026112300000001 K7M2P9QX/ABCDEFGH", new[] { "K7M2P9QX", "ABCDEFGH" })]
    [InlineData("K7M2P9QXY", new string[0])]     // nine characters: not a code
    [InlineData("K7M2P9Q0", new string[0])]      // 0 is not in the alphabet
    [InlineData("12345678", new string[0])]      // 1 is not in the alphabet
    public void Finds_payment_codes_in_memos(string memo, string[] codes) =>
        Assert.Equal(codes, BankStatement.CodesIn(memo));

    [Theory]
    [InlineData(OrderStatus.PendingPayment, 1000, 1000, StatementOutcome.Confirmed)]
    [InlineData(OrderStatus.PendingPayment, 1000, 999, StatementOutcome.AmountMismatch)]
    [InlineData(OrderStatus.PendingPayment, 1000, 2000, StatementOutcome.AmountMismatch)]
    [InlineData(OrderStatus.Paid, 1000, 1000, StatementOutcome.DuplicatePayment)]
    [InlineData(OrderStatus.Completed, 1000, 1000, StatementOutcome.DuplicatePayment)]
    [InlineData(OrderStatus.Cancelled, 1000, 1000, StatementOutcome.NotPayable)]
    public void Only_an_exact_amount_for_an_unpaid_order_confirms(OrderStatus status, long total, long amount, StatementOutcome expected) =>
        Assert.Equal(expected, BankStatement.Classify(status, new Money(total), new Money(amount)));
}
