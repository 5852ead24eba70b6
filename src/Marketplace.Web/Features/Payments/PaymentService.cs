using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Buying;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Payments;

public sealed record StatementResultRow(int Row, string TransactionId, DateOnly BookedOn, Money Amount, string Payer, string Memo, StatementOutcome Outcome, long? OrderId, string? OrderNumber);
public sealed record StatementImportResult(IReadOnlyList<StatementResultRow> Rows, int SkippedOutgoing)
{
    public int Confirmed => Rows.Count(r => r.Outcome == StatementOutcome.Confirmed);
    public int Flagged => Rows.Count(r => r.Outcome is not (StatementOutcome.Confirmed or StatementOutcome.AlreadyImported));
}

/// <summary>
/// Paying orders: card checkout (through the configured provider), the vendor's receiving account, and the import of
/// a bank statement that confirms bank transfers by their 识别码. An import is one transaction: either every line is
/// recorded with its outcome (and exact matches confirm their orders) or, on any error, nothing is.
/// </summary>
public sealed class PaymentService(MarketplaceDbContext db, OrderService orders, PaymentProviders providers, IConfiguration config, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    private TimeSpan PaymentWindow => TimeSpan.FromHours(config.GetValue("Orders:PaymentTimeoutHours", 24.0));

    /// <summary>Starts a card payment and returns the provider's page. The order stays unpaid until the webhook says otherwise.</summary>
    public async Task<string> StartCardPaymentAsync(Actor buyer, long orderId, string returnBaseUrl, CancellationToken ct)
    {
        if (!buyer.Is(Roles.Buyer)) throw new ForbiddenException("只有采购单位可以付款", "Only the buying unit pays.");
        // Someone else's order is not found, whatever else is wrong.
        var order = await db.Orders.Where(o => o.Id == orderId).VisibleTo(buyer).FirstOrDefaultAsync(ct) ?? throw new NotFoundException();
        var provider = providers.For(PaymentMethod.Card);
        if (!provider.Enabled) throw new DomainException("未启用银行卡支付，请使用银行转账", "Card payment is not enabled; pay by bank transfer.");
        if (order.Status != OrderStatus.PendingPayment) throw new DomainException("订单不是待付款状态", "The order is not awaiting payment.");
        // The checkout page must close before the order's payment window does, so money never arrives for a
        // cancelled order; Stripe allows 30 minutes to 24 hours.
        var expires = order.PlacedAt + PaymentWindow;
        if (expires - Now < TimeSpan.FromMinutes(31))
            throw new DomainException("付款期限将至，请使用银行转账或重新下单", "The payment window is about to close; pay by bank transfer or order again.");
        if (expires - Now > TimeSpan.FromHours(23.5)) expires = Now.AddHours(23.5);
        var start = await provider.StartAsync(order, returnBaseUrl, expires, ct);
        order.PaymentMethod = PaymentMethod.Card;
        order.StripeSessionId = start.SessionId;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new DomainException("订单已被他人修改，请刷新后重试", "The order changed meanwhile; reload and try again."); }
        return start.RedirectUrl ?? throw new InvalidOperationException("The card provider returned no checkout page.");
    }

    public sealed record BankAccount(string? BankName, string? AccountName, string? AccountNumber);

    public Task<BankAccount?> BankAccountAsync(int vendorId, CancellationToken ct) =>
        db.Vendors.AsNoTracking().Where(v => v.Id == vendorId).Select(v => new BankAccount(v.BankName, v.BankAccountName, v.BankAccountNumber)).FirstOrDefaultAsync(ct);

    public async Task SaveBankAccountAsync(Actor vendor, BankAccount input, CancellationToken ct)
    {
        var vendorId = RequireVendor(vendor);
        var bank = input.BankName?.Trim() ?? "";
        var name = input.AccountName?.Trim() ?? "";
        var number = new string((input.AccountNumber ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (bank.Length is < 4 or > 100) throw new DomainException("请填写开户银行（4到100字）", "Enter the bank (4 to 100 characters).");
        if (name.Length is < 2 or > 100) throw new DomainException("请填写账户名称", "Enter the account name.");
        if (number.Length is < 8 or > 40 || !number.All(char.IsAsciiDigit))
            throw new DomainException("银行账号须为8到40位数字", "The account number must be 8 to 40 digits.");
        var v = await db.Vendors.FirstAsync(x => x.Id == vendorId, ct);
        (v.BankName, v.BankAccountName, v.BankAccountNumber) = (bank, name, number);
        await db.SaveChangesAsync(ct);
    }

    public async Task<StatementImportResult> ImportStatementAsync(Actor vendor, string csv, CancellationToken ct)
    {
        var vendorId = RequireVendor(vendor);
        var parsed = BankStatement.Parse(csv);
        var lines = parsed.Incoming;
        var ids = lines.Select(l => l.TransactionId).Distinct().ToList();
        var codes = lines.SelectMany(l => BankStatement.CodesIn(l.Memo)).Distinct().ToList();

        return await db.InTransactionAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var seen = (await db.BankStatementLines.AsNoTracking().Where(x => x.VendorId == vendorId && ids.Contains(x.TransactionId))
                .Select(x => x.TransactionId).ToListAsync(ct)).ToHashSet();
            // Only this vendor's orders can be matched: another vendor's code in a memo is just an unknown code here.
            var byCode = await db.Orders.Where(o => o.VendorId == vendorId && codes.Contains(o.PaymentCode)).ToDictionaryAsync(o => o.PaymentCode, ct);
            var rows = new List<StatementResultRow>();
            foreach (var line in lines)
            {
                if (!seen.Add(line.TransactionId))
                {
                    rows.Add(Row(line, StatementOutcome.AlreadyImported, null));
                    continue;
                }
                var order = BankStatement.CodesIn(line.Memo).Select(c => byCode.GetValueOrDefault(c)).FirstOrDefault(o => o is not null);
                var outcome = order is null ? StatementOutcome.UnknownCode : BankStatement.Classify(order.Status, new Money(order.TotalFen), line.Amount);
                if (outcome == StatementOutcome.Confirmed)
                {
                    order!.PaidFen = line.Amount.Fen;
                    order.PaidAt = Now;
                    orders.Record(order, vendor, OrderAction.ConfirmPayment, $"银行流水 {line.TransactionId} / bank statement", new OrderFacts());
                }
                else if (order is not null && outcome is StatementOutcome.AmountMismatch or StatementOutcome.DuplicatePayment or StatementOutcome.NotPayable)
                    db.Notifications.AddRange(OrderNotifications.About(order, vendor,
                        $"订单{order.Number}收到异常付款 / Unusual payment for order {order.Number}",
                        $"流水 {line.TransactionId}：{line.Amount}（{OutcomeText(outcome)}），供应商将核对处理 / the vendor will look into it", Now));
                db.BankStatementLines.Add(new BankStatementLine
                {
                    VendorId = vendorId, TransactionId = line.TransactionId, BookedOn = line.BookedOn, AmountFen = line.Amount.Fen, Payer = line.Payer,
                    Memo = line.Memo, OrderId = order?.Id, OrderNumber = order?.Number, Outcome = outcome, ImportedByUserId = vendor.UserId, ImportedAt = Now,
                });
                rows.Add(Row(line, outcome, order));
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new DomainException("导入期间订单发生变化，请重新导入", "Orders changed during the import; import the file again."); }
            catch (DbUpdateException) { throw new DomainException("同一流水正在被另一次导入处理，请稍后重新导入", "Another import is recording the same transactions; import again in a moment."); }
            return new StatementImportResult(rows, parsed.SkippedOutgoing);
        }, ct);
    }

    public static string OutcomeText(StatementOutcome o) => o switch
    {
        StatementOutcome.Confirmed => "已确认收款",
        StatementOutcome.DuplicatePayment => "重复付款",
        StatementOutcome.AmountMismatch => "金额不符",
        StatementOutcome.UnknownCode => "未找到识别码",
        StatementOutcome.NotPayable => "订单已取消",
        _ => "已导入过",
    };

    private static StatementResultRow Row(StatementLine l, StatementOutcome outcome, Order? order) =>
        new(l.Row, l.TransactionId, l.BookedOn, l.Amount, l.Payer, l.Memo, outcome, order?.Id, order?.Number);

    /// <summary>The vendor's recent statement lines, flagged ones first.</summary>
    public async Task<IReadOnlyList<StatementResultRow>> RecentLinesAsync(int vendorId, bool flaggedOnly, CancellationToken ct)
    {
        var q = db.BankStatementLines.AsNoTracking().Where(x => x.VendorId == vendorId);
        if (flaggedOnly) q = q.Where(x => x.Outcome != StatementOutcome.Confirmed);
        return await q.OrderByDescending(x => x.Id).Take(100)
            .Select(x => new StatementResultRow(0, x.TransactionId, x.BookedOn, new Money(x.AmountFen), x.Payer, x.Memo, x.Outcome, x.OrderId, x.OrderNumber))
            .ToListAsync(ct);
    }

    private static int RequireVendor(Actor actor) =>
        actor.Is(Roles.Vendor) && actor.VendorId is { } id ? id : throw new ForbiddenException("只有供应商可以操作", "Only a vendor can do this.");
}
