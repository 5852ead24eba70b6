using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Marketplace.Web.Features.Finance;

/// <summary>SMTP settings (<c>Email:Smtp:*</c>). Mail is sent only when a host is set.</summary>
public sealed class EmailOptions
{
    public string? Host { get; init; }
    public int Port { get; init; } = 25;
    /// <summary>None, StartTls, SslOnConnect or Auto.</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.Auto;
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public string From { get; init; } = "noreply@832.example";
    public string FromName { get; init; } = "脱贫地区农副产品网络销售平台";
    public int MaxAttempts { get; init; } = 12;

    public static EmailOptions Read(IConfiguration config) => config.GetSection("Email:Smtp").Get<EmailOptions>() ?? new();

    public static bool IsConfigured(IConfiguration config) => !string.IsNullOrWhiteSpace(config["Email:Smtp:Host"]);
}

/// <summary>
/// Sends queued e-mails (written in the same transaction as the alert they tell of). Each message is marked sent
/// right after the server accepts it; a failure is retried with exponential backoff (1 min, 2, 4 … up to 6 h) until
/// <see cref="EmailOptions.MaxAttempts"/>, the error kept on the row.
/// </summary>
public sealed class EmailOutboxSender(MarketplaceDbContext db, EmailOptions options, TimeProvider clock, ILogger<EmailOutboxSender> logger)
{
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(360, Math.Pow(2, Math.Max(0, attempts - 1))));

    public async Task<int> SendPendingAsync(int batch, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.EmailMessages.Where(m => m.SentAt == null && m.NextAttemptAt <= now && m.Attempts < options.MaxAttempts)
            .OrderBy(m => m.Id).Take(batch).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var sent = 0;
        using var client = new SmtpClient { Timeout = 15_000 };
        try
        {
            await client.ConnectAsync(options.Host ?? "localhost", options.Port, options.Security, ct);
            if (!string.IsNullOrEmpty(options.UserName)) await client.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var m in due) Failed(m, e, now);
            await db.SaveChangesAsync(ct);
            logger.LogWarning(e, "SMTP server {Host}:{Port} unreachable; {Count} e-mails will be retried", options.Host, options.Port, due.Count);
            return 0;
        }
        foreach (var m in due)
        {
            try
            {
                var message = new MimeMessage();
                message.From.Add(new MailboxAddress(options.FromName, options.From));
                message.To.Add(MailboxAddress.Parse(m.To));
                message.Subject = m.Subject;
                message.Body = new TextPart("plain") { Text = m.Body };
                await client.SendAsync(message, ct);
                m.SentAt = clock.GetUtcNow().UtcDateTime;
                m.Attempts++;
                m.LastError = null;
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Failed(m, e, now);
            }
            await db.SaveChangesAsync(ct);
        }
        await client.DisconnectAsync(true, ct);
        return sent;
    }

    private static void Failed(EmailMessage m, Exception e, DateTime now)
    {
        m.Attempts++;
        m.NextAttemptAt = now + Backoff(m.Attempts);
        m.LastError = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
    }
}

/// <summary>
/// The finance bureau's schedule, on whichever node holds each lease: month end for the whole platform once the
/// configured day and hour of the next month has come (China time; default the 1st at 02:00), the mid-month early
/// warning from the configured day (default the 20th), and the e-mail outbox.
/// </summary>
public sealed class FinanceJobsWorker(IServiceScopeFactory scopes, IConfiguration config, TimeProvider clock, ILogger<FinanceJobsWorker> logger) : BackgroundService
{
    public const string EmailLease = "email-outbox";
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Finance:BackgroundJobs", true)) return;
        var interval = TimeSpan.FromSeconds(config.GetValue("Finance:IntervalSeconds", 30.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                await RunDueAsync(scope.ServiceProvider, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Finance jobs failed; retrying");
            }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>
    /// Held by the node that checks the schedule, so that two nodes seeing a month end due at the same moment do not
    /// both run it (the month-end job's own lease would only make the second wait, then run it again).
    /// </summary>
    public const string ScheduleLease = "finance-schedule";

    /// <summary>Runs what is due; returns how many month-end and early-warning runs this call made.</summary>
    public async Task<int> RunDueAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<MarketplaceDbContext>();
        var ran = 0;
        var chinaNow = clock.GetUtcNow().UtcDateTime.AddHours(8);
        var today = DateOnly.FromDateTime(chinaNow);
        var day = config.GetValue("Finance:MonthEndDay", 1);
        var hour = config.GetValue("Finance:MonthEndHour", 2);
        var (year, month) = MonthEndJob.LastClosedMonth(today);
        bool Done(int y, int m, MonthEndRunKind kind) =>
            db.MonthEndRuns.Any(r => r.ScopeRegionId == 0 && r.Year == y && r.Month == m && r.Kind == kind && r.Completed);
        var scheduler = await JobLeases.TryAcquireAsync(db, ScheduleLease, _holder, TimeSpan.FromMinutes(15), clock.GetUtcNow().UtcDateTime, ct);
        if (scheduler && (today.Day > day || (today.Day == day && chinaNow.Hour >= hour)) && !Done(year, month, MonthEndRunKind.MonthEnd))
        {
            ran++;
            var result = await services.GetRequiredService<MonthEndJob>().RunMonthEndAsync(0, year, month, "系统 / system", ct);
            // New roll-ups: the public progress pages this node keeps are out of date (other nodes' expire within a minute).
            await services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>().EvictByTagAsync(Infrastructure.PublicPageTags.Progress, ct);
            logger.LogInformation("Month end {Year}-{Month}: {Units} units, {Alerts} alerts in {Ms} ms", year, month, result.Units, result.AlertsRaised, result.Elapsed.TotalMilliseconds);
        }
        var warningDay = config.GetValue("Finance:EarlyWarningDay", 20);
        if (scheduler && warningDay is >= 1 and <= 28 && today.Day >= warningDay && !Done(today.Year, today.Month, MonthEndRunKind.EarlyWarning))
        {
            ran++;
            var result = await services.GetRequiredService<MonthEndJob>().RunEarlyWarningAsync(0, "系统 / system", ct);
            logger.LogInformation("Early warning {Year}-{Month}: {Alerts} heads-ups", today.Year, today.Month, result.AlertsRaised);
        }
        if (EmailOptions.IsConfigured(config)
            && await JobLeases.TryAcquireAsync(db, EmailLease, _holder, TimeSpan.FromMinutes(2), clock.GetUtcNow().UtcDateTime, ct))
        {
            var sent = await services.GetRequiredService<EmailOutboxSender>().SendPendingAsync(100, ct);
            if (sent > 0) logger.LogInformation("E-mail outbox: {Sent} sent", sent);
        }
        return ran;
    }
}
