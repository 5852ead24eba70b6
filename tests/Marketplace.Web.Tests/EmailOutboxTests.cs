using System.Net;
using System.Net.Sockets;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Web.Features.Finance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using netDumbster.smtp;

namespace Marketplace.Web.Tests;

public class EmailOutboxTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Mail_waits_while_the_server_is_down_is_retried_with_backoff_and_is_sent_once()
    {
        var port = FreePort();
        var clock = new Clock(DateTimeOffset.UtcNow);
        var options = new EmailOptions { Host = "127.0.0.1", Port = port, Security = MailKit.Security.SecureSocketOptions.None };
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var sender = new EmailOutboxSender(db, options, clock, NullLogger<EmailOutboxSender>.Instance);
        var keys = Enumerable.Range(1, 3).Select(i => $"test:{Guid.NewGuid():N}:{i}").ToList();
        db.EmailMessages.AddRange(keys.Select(k => new EmailMessage
        {
            SourceKey = k, To = "buyer@example.cn", Subject = "进度落后 / Behind schedule", Body = "截至6月底完成率25%", CreatedAt = clock.Now.UtcDateTime,
            NextAttemptAt = clock.Now.UtcDateTime,
        }));
        await db.SaveChangesAsync();

        // No server yet: nothing sent, each message scheduled a minute later with the error kept.
        Assert.Equal(0, await sender.SendPendingAsync(10, default));
        var waiting = await db.EmailMessages.AsNoTracking().Where(m => keys.Contains(m.SourceKey)).ToListAsync();
        Assert.All(waiting, m => Assert.Equal((1, (DateTime?)null), (m.Attempts, m.SentAt)));
        Assert.All(waiting, m => Assert.Equal(clock.Now.UtcDateTime.AddMinutes(1), m.NextAttemptAt, TimeSpan.FromTicks(10))); // PostgreSQL keeps microseconds
        Assert.All(waiting, m => Assert.False(string.IsNullOrEmpty(m.LastError)));

        using var server = SimpleSmtpServer.Start(port);
        Assert.Equal(0, await sender.SendPendingAsync(10, default)); // not due yet
        clock.Now = clock.Now.AddSeconds(61);
        Assert.Equal(3, await sender.SendPendingAsync(10, default));
        Assert.Equal(0, await sender.SendPendingAsync(10, default));
        for (var i = 0; i < 50 && server.ReceivedEmailCount < 3; i++) await Task.Delay(20);
        Assert.Equal(3, server.ReceivedEmailCount);
        Assert.Contains("截至6月底", server.ReceivedEmail[0].MessageParts[0].BodyData);
        Assert.All(await db.EmailMessages.AsNoTracking().Where(m => keys.Contains(m.SourceKey)).ToListAsync(), m => Assert.NotNull(m.SentAt));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 8)]
    [InlineData(20, 360)]
    public void Backoff_doubles_up_to_six_hours(int attempts, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), EmailOutboxSender.Backoff(attempts));
}
