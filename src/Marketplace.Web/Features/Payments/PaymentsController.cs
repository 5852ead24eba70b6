using System.Text;
using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Payments;

public sealed record VendorPaymentsViewModel(PaymentService.BankAccount? Account, StatementImportResult? Imported, IReadOnlyList<StatementResultRow> Recent, bool FlaggedOnly);

public sealed class PaymentsController(PaymentService payments, StripeWebhookService webhooks) : Controller
{
    public const long MaxStatementBytes = 2 * 1024 * 1024;

    /// <summary>Sends the buyer to the card provider's checkout page for one unpaid order.</summary>
    [HttpPost("/orders/{id:long}/pay/card")]
    [Authorize(Roles = Roles.Buyer)]
    public async Task<IActionResult> PayByCard(long id, CancellationToken ct)
    {
        var url = await payments.StartCardPaymentAsync(User.ToActor(), id, $"{Request.Scheme}://{Request.Host}", ct);
        return Redirect(url); // to the provider's hosted page
    }

    /// <summary>Stripe's webhook endpoint: signed, not a browser form, so no antiforgery token (the signature is the check).</summary>
    [HttpPost("/payments/stripe/webhook")]
    [AllowAnonymous]
    [IgnoreAntiforgeryToken]
    [RequestSizeLimit(512 * 1024)]
    public async Task<IActionResult> StripeWebhook(CancellationToken ct)
    {
        using var reader = new StreamReader(Request.Body, Encoding.UTF8);
        var json = await reader.ReadToEndAsync(ct);
        var outcome = await webhooks.HandleAsync(json, Request.Headers["Stripe-Signature"].ToString(), ct);
        return outcome == WebhookOutcome.Rejected
            ? BadRequest(new { error = "签名无效或已过期 / invalid or expired signature" })
            : Ok(new { outcome = outcome.ToString() });
    }

    [HttpGet("/vendor/payments")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> Vendor(bool flagged, CancellationToken ct) => View("VendorPayments", await ModelAsync(null, flagged, ct));

    [HttpPost("/vendor/payments/account")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> SaveAccount(string? bankName, string? accountName, string? accountNumber, CancellationToken ct)
    {
        await payments.SaveBankAccountAsync(User.ToActor(), new PaymentService.BankAccount(bankName, accountName, accountNumber), ct);
        return Redirect("/vendor/payments");
    }

    [HttpPost("/vendor/payments/import")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.Upload)]
    [Authorize(Roles = Roles.Vendor)]
    [RequestSizeLimit(MaxStatementBytes + 64 * 1024)]
    public async Task<IActionResult> Import(IFormFile? statement, CancellationToken ct)
    {
        if (statement is null || statement.Length == 0) throw new DomainException("请选择银行流水CSV文件", "Choose the bank statement CSV file.");
        if (statement.Length > MaxStatementBytes) throw new DomainException("文件不能超过2MB", "The file may be at most 2 MB.");
        using var buffer = new MemoryStream();
        await statement.CopyToAsync(buffer, ct);
        var result = await payments.ImportStatementAsync(User.ToActor(), TextFiles.Decode(buffer.ToArray()), ct);
        return View("VendorPayments", await ModelAsync(result, false, ct));
    }

    private async Task<VendorPaymentsViewModel> ModelAsync(StatementImportResult? imported, bool flagged, CancellationToken ct)
    {
        var vendorId = User.ToActor().VendorId ?? 0;
        return new VendorPaymentsViewModel(await payments.BankAccountAsync(vendorId, ct), imported, await payments.RecentLinesAsync(vendorId, flagged, ct), flagged);
    }
}
