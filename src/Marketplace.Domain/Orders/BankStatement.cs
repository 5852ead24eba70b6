using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Domain.Orders;

/// <summary>One incoming transfer from a vendor's bank statement export.</summary>
public sealed record StatementLine(int Row, string TransactionId, DateOnly BookedOn, Money Amount, string Payer, string Memo);

/// <summary>What an imported line did. Only <see cref="Confirmed"/> moves an order; every other outcome is flagged for the vendor.</summary>
public enum StatementOutcome
{
    Confirmed = 1,       // the code named an unpaid order of this vendor and the amount is exactly its total
    DuplicatePayment = 2, // the order was already paid (by an earlier line, a card payment or a manual confirmation)
    AmountMismatch = 3,  // the code matches but the amount differs: the vendor must look at it
    UnknownCode = 4,     // no payment code of this vendor's orders is in the memo
    NotPayable = 5,      // the order was cancelled (e.g. timed out) before the money arrived
    AlreadyImported = 6, // this transaction id was imported before (the same statement uploaded twice)
}

/// <summary>
/// A bank statement CSV as exported by Chinese online banking: a header row and one row per transaction. Columns are
/// found by name (Chinese or English), amounts are yuan with at most two decimals, outgoing (negative) lines are
/// skipped. Any malformed row rejects the whole file with its row number, so nothing is half-imported.
/// </summary>
public static class BankStatement
{
    public const int MaxRows = 5000;

    private static readonly Dictionary<string, string> HeaderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["交易流水号"] = "id", ["流水号"] = "id", ["交易编号"] = "id", ["TransactionId"] = "id", ["Transaction ID"] = "id",
        ["交易日期"] = "date", ["日期"] = "date", ["记账日期"] = "date", ["Date"] = "date",
        ["金额"] = "amount", ["交易金额"] = "amount", ["收入金额"] = "amount", ["金额(元)"] = "amount", ["金额（元）"] = "amount", ["Amount"] = "amount",
        ["付款人"] = "payer", ["对方户名"] = "payer", ["付款人名称"] = "payer", ["Payer"] = "payer",
        ["摘要"] = "memo", ["附言"] = "memo", ["用途"] = "memo", ["备注"] = "memo", ["Memo"] = "memo",
    };

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd", "yyyy-M-d", "yyyy/M/d", "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm:ss"];

    public sealed record Parsed(IReadOnlyList<StatementLine> Incoming, int SkippedOutgoing);

    public static Parsed Parse(string text)
    {
        var rows = ReadCsv(text.TrimStart('\uFEFF')).Where(r => r.Fields.Any(f => f.Trim().Length > 0)).ToList();
        if (rows.Count == 0) throw new DomainException("文件是空的", "The file is empty.");
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < rows[0].Fields.Count; i++)
            if (HeaderNames.TryGetValue(rows[0].Fields[i].Trim(), out var key)) columns.TryAdd(key, i);
        var missing = new[] { "id", "date", "amount", "memo" }.Where(k => !columns.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new DomainException("表头须包含：交易流水号、交易日期、金额、摘要（附言）", "The header must name the columns transaction id, date, amount and memo.");
        if (rows.Count - 1 > MaxRows) throw new DomainException($"一次最多导入{MaxRows}行", $"At most {MaxRows} rows per import.");

        var lines = new List<StatementLine>();
        var outgoing = 0;
        foreach (var (number, fields) in rows.Skip(1))
        {
            string Field(string key) => columns.TryGetValue(key, out var i) && i < fields.Count ? fields[i].Trim() : "";
            var id = Field("id");
            if (id.Length is 0 or > 64) throw RowError(number, "交易流水号为空或过长", "the transaction id is empty or too long");
            if (!DateTime.TryParseExact(Field("date"), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var booked))
                throw RowError(number, "交易日期无法识别", "the date is not a date (use 2026-11-23)");
            if (!Money.TryParseYuan(Field("amount"), out var amount)) throw RowError(number, "金额无法识别", "the amount is not a yuan amount with at most two decimals");
            if (amount.Fen <= 0) { outgoing++; continue; }
            var payer = Field("payer");
            var memo = Field("memo");
            if (payer.Length > 200 || memo.Length > 500) throw RowError(number, "付款人或摘要过长", "the payer or memo is too long");
            lines.Add(new StatementLine(number, id, DateOnly.FromDateTime(booked), amount, payer, memo));
        }
        return new Parsed(lines, outgoing);
    }

    private static DomainException RowError(int row, string zh, string en) => new($"第{row}行：{zh}", $"Row {row}: {en}.");

    private static readonly Regex Code = new("(?<![A-Z0-9])[2-9A-HJKMNP-Z]{8}(?![A-Z0-9])", RegexOptions.CultureInvariant);

    /// <summary>Candidate payment codes (识别码) in a memo: eight characters of the code alphabet, as a separate word.</summary>
    public static IReadOnlyList<string> CodesIn(string memo) =>
        Code.Matches(memo.ToUpperInvariant()).Select(m => m.Value).Distinct().ToList();

    /// <summary>The decision for a line whose code named an order of this vendor.</summary>
    public static StatementOutcome Classify(OrderStatus status, Money orderTotal, Money amount) => status switch
    {
        OrderStatus.Cancelled => StatementOutcome.NotPayable,
        not OrderStatus.PendingPayment => StatementOutcome.DuplicatePayment,
        _ when amount != orderTotal => StatementOutcome.AmountMismatch,
        _ => StatementOutcome.Confirmed,
    };

    private static IEnumerable<(int Number, List<string> Fields)> ReadCsv(string text)
    {
        try { return CsvText.Read(text).ToList(); }
        catch (CsvText.UnclosedQuoteException e) { throw RowError(e.Row, "引号未闭合", "a quoted field is not closed"); }
    }
}
