using Marketplace.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data;

/// <summary>
/// The one model of the marketplace. Each database provider has a sealed subclass only so that its migrations
/// live in their own folder (Migrations/Sqlite, Migrations/SqlServer); the model itself is shared.
/// </summary>
public abstract class MarketplaceDbContext(DbContextOptions options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<BudgetUnit> BudgetUnits => Set<BudgetUnit>();
    public DbSet<Vendor> Vendors => Set<Vendor>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<VendorAdmissionEvent> VendorAdmissionEvents => Set<VendorAdmissionEvent>();
    public DbSet<ProductStatusEvent> ProductStatusEvents => Set<ProductStatusEvent>();
    public DbSet<ProductPhoto> ProductPhotos => Set<ProductPhoto>();
    public DbSet<ProductChange> ProductChanges => Set<ProductChange>();
    public DbSet<QuotaLedgerEntry> QuotaLedgerEntries => Set<QuotaLedgerEntry>();
    public DbSet<RegionPolicy> RegionPolicies => Set<RegionPolicy>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<CartItem> CartItems => Set<CartItem>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<OrderHistory> OrderHistory => Set<OrderHistory>();
    public DbSet<BankStatementLine> BankStatementLines => Set<BankStatementLine>();
    public DbSet<ProcessedWebhookEvent> ProcessedWebhookEvents => Set<ProcessedWebhookEvent>();
    public DbSet<RefundRequest> RefundRequests => Set<RefundRequest>();
    public DbSet<QuotaFiling> QuotaFilings => Set<QuotaFiling>();
    public DbSet<MonthlyPlanAmount> MonthlyPlanAmounts => Set<MonthlyPlanAmount>();
    public DbSet<QuotaFilingEvent> QuotaFilingEvents => Set<QuotaFilingEvent>();
    public DbSet<MonthEndRun> MonthEndRuns => Set<MonthEndRun>();
    public DbSet<UnitMonthStanding> UnitMonthStandings => Set<UnitMonthStanding>();
    public DbSet<QuotaAlert> QuotaAlerts => Set<QuotaAlert>();
    public DbSet<EmailMessage> EmailMessages => Set<EmailMessage>();
    public DbSet<RegionMonthTotal> RegionMonthTotals => Set<RegionMonthTotal>();
    public DbSet<QuotaLedgerMonth> QuotaLedgerMonths => Set<QuotaLedgerMonth>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<PavilionText> PavilionTexts => Set<PavilionText>();
    public DbSet<VendorCreditChange> VendorCreditChanges => Set<VendorCreditChange>();
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<ProgressPublication> ProgressPublications => Set<ProgressPublication>();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        // Outside a transaction a save is a transaction of its own: where there is a single writer, it takes its turn and
        // may share a commit with the writers queued beside it.
        if (WriteGate is { } gate && Database.CurrentTransaction is null)
            return await gate.RunAsync(this, () => base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken), cancellationToken);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        using var gate = EnterWriteGateAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// The database's single-writer gate in this process, or null where the database takes concurrent writers itself.
    /// </summary>
    public virtual WriteGate? WriteGate => null;

    /// <summary>How long a writer waits its turn before going ahead anyway (and leaving the waiting to the database).</summary>
    public static readonly TimeSpan WriteGateWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits for this process's turn to write, where the database has a single writer (SQLite): writers queue here, in
    /// order and woken at once, instead of colliding in the database and retrying after sleeps. Within a transaction
    /// this context already holds it (or began it ungated), so nothing is taken twice. Dispose the result to release.
    /// </summary>
    public async ValueTask<IDisposable?> EnterWriteGateAsync(CancellationToken ct)
    {
        if (WriteGate is not { } gate || Database.CurrentTransaction is not null) return null;
        return await gate.EnterAsync(joins: false, WriteGateWait, ct) ? new GateTurn(gate) : null;
    }

    private sealed class GateTurn(WriteGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

    /// <summary>
    /// Every saved product change bumps the product's concurrency version and appends to the change feed, in the
    /// same SaveChanges (so the same transaction): a change can never be stored without its feed entry.
    /// </summary>
    private void BumpVersions()
    {
        // One pass over the tracked entries (each Entries<T>() call would detect changes over every entry again).
        List<Product>? changedProducts = null;
        foreach (var entry in ChangeTracker.Entries())
        {
            var state = entry.State;
            if (state is EntityState.Unchanged or EntityState.Detached) continue;
            var modified = state == EntityState.Modified;
            switch (entry.Entity)
            {
                // The ledger is append-only; a correction is a new line. (Database triggers enforce the same.)
                case QuotaLedgerEntry when modified || state == EntityState.Deleted:
                    throw new InvalidOperationException("Quota ledger entries are append-only: add a correcting entry instead.");
                case AuditEntry when modified || state == EntityState.Deleted:
                    throw new InvalidOperationException("The audit log is append-only.");
                case VendorCreditChange when modified || state == EntityState.Deleted:
                    throw new InvalidOperationException("The credit history is append-only.");
                case Order order when modified: order.Version++; break;
                case RefundRequest refund when modified: refund.Version++; break;
                case Complaint complaint when modified: complaint.Version++; break;
                case Product product:
                    if (modified) product.Version++;
                    if (modified || state == EntityState.Added) (changedProducts ??= []).Add(product);
                    break;
            }
        }
        if (changedProducts is null) return;
        var now = DateTime.UtcNow;
        foreach (var product in changedProducts) ProductChanges.Add(new ProductChange { Product = product, At = now });
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Region>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Name).HasMaxLength(64);
            e.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.ParentId);
            e.HasIndex(x => new { x.IsPovertyRelief, x.Id });
        });

        builder.Entity<BudgetUnit>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.CreditCode).HasMaxLength(18).IsFixedLength().IsUnicode(false);
            e.HasIndex(x => x.CreditCode).IsUnique();
            e.HasOne(x => x.Region).WithMany().HasForeignKey(x => x.RegionId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.RegionId);
            e.HasIndex(x => x.ParentId);
            e.HasIndex(x => x.Name);
        });

        builder.Entity<Vendor>(e =>
        {
            e.Property(x => x.BankName).HasMaxLength(100);
            e.Property(x => x.BankAccountName).HasMaxLength(100);
            e.Property(x => x.BankAccountNumber).HasMaxLength(40).IsUnicode(false);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.CreditCode).HasMaxLength(18).IsFixedLength().IsUnicode(false);
            e.HasIndex(x => x.CreditCode).IsUnique();
            e.Property(x => x.ContactName).HasMaxLength(50);
            e.Property(x => x.ContactPhone).HasMaxLength(30).IsUnicode(false);
            e.Property(x => x.FarmerLinkage).HasMaxLength(2000);
            e.Property(x => x.Introduction).HasMaxLength(2000);
            e.HasOne(x => x.County).WithMany().HasForeignKey(x => x.CountyId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.CountyId, x.Status });
            e.HasIndex(x => new { x.Status, x.Id });
        });

        builder.Entity<Category>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Name).HasMaxLength(30);
            e.Property(x => x.NameEn).HasMaxLength(50);
            e.Property(x => x.Icon).HasMaxLength(16);
        });

        builder.Entity<Product>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Specification).HasMaxLength(100);
            e.Property(x => x.Unit).HasMaxLength(10);
            e.Property(x => x.Description).HasMaxLength(4000);
            e.HasOne(x => x.Vendor).WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Category).WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.OriginCounty).WithMany().HasForeignKey(x => x.OriginCountyId).OnDelete(DeleteBehavior.Restrict);
            // Keyset paging: newest first within a status, a category or a vendor's shop.
            e.HasIndex(x => new { x.Status, x.Id });
            e.HasIndex(x => new { x.CategoryId, x.Status, x.Id });
            e.HasIndex(x => new { x.VendorId, x.Status, x.Id });
            e.HasIndex(x => x.OriginCountyId);
            e.Property(x => x.RejectionReason).HasMaxLength(500);
            e.Property(x => x.CoverPhotoKey).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasMany(x => x.Photos).WithOne().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
            e.ToTable(t =>
            {
                t.HasCheckConstraint("CK_Products_PriceFen", "\"PriceFen\" >= 0");
                t.HasCheckConstraint("CK_Products_Stock", "\"Stock\" >= 0");
                t.HasCheckConstraint("CK_Products_MinOrderQuantity", "\"MinOrderQuantity\" >= 1");
            });
        });

        builder.Entity<VendorAdmissionEvent>(e =>
        {
            e.Property(x => x.ActorUserId).HasMaxLength(450);
            e.Property(x => x.ActorName).HasMaxLength(100);
            e.Property(x => x.ActorRole).HasMaxLength(32);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<Vendor>().WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.VendorId, x.Id });
        });

        builder.Entity<ProductStatusEvent>(e =>
        {
            e.Property(x => x.ActorUserId).HasMaxLength(450);
            e.Property(x => x.ActorName).HasMaxLength(100);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.ProductId, x.Id });
        });

        builder.Entity<StoredFile>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200).IsUnicode(false);
        });

        builder.Entity<JobLease>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Holder).HasMaxLength(200);
        });

        builder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("OutboxMessages");
            e.Property(x => x.Type).HasMaxLength(100).IsUnicode(false);
            e.Property(x => x.LastError).HasMaxLength(2000);
            e.HasIndex(x => new { x.ProcessedAt, x.Id });
        });

        builder.Entity<CartItem>(e =>
        {
            e.Property(x => x.UserId).HasMaxLength(450);
            e.HasIndex(x => new { x.UserId, x.ProductId }).IsUnique();
            e.HasOne(x => x.Product).WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
            e.ToTable(t => t.HasCheckConstraint("CK_CartItems_Quantity", "\"Quantity\" > 0"));
        });

        builder.Entity<Order>(e =>
        {
            e.Property(x => x.Number).HasMaxLength(20).IsUnicode(false);
            e.HasIndex(x => x.Number).IsUnique();
            e.Property(x => x.PaymentCode).HasMaxLength(12).IsUnicode(false);
            e.HasIndex(x => x.PaymentCode).IsUnique();
            e.Property(x => x.BuyerUserId).HasMaxLength(450);
            e.Property(x => x.DeliveryAddress).HasMaxLength(300);
            e.Property(x => x.CanteenContact).HasMaxLength(50);
            e.Property(x => x.ContactPhone).HasMaxLength(30).IsUnicode(false);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Property(x => x.Carrier).HasMaxLength(50);
            e.Property(x => x.TrackingNumber).HasMaxLength(50).IsUnicode(false);
            e.Property(x => x.InvoiceKey).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.EvaluationComment).HasMaxLength(500);
            e.Property(x => x.StripeSessionId).HasMaxLength(255).IsUnicode(false);
            e.Property(x => x.StripePaymentIntentId).HasMaxLength(255).IsUnicode(false);
            e.HasIndex(x => x.StripeSessionId).IsUnique();
            e.HasIndex(x => x.StripePaymentIntentId);
            e.HasOne(x => x.Vendor).WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.BudgetUnit).WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.BudgetUnitId, x.Id });
            e.HasIndex(x => new { x.BudgetUnitId, x.Status, x.Id }); // a unit's orders in one state, newest first
            e.HasIndex(x => new { x.VendorId, x.Status, x.Id });
            e.HasIndex(x => new { x.VendorId, x.Id }); // a vendor's orders newest first (its shop's latest reviews)
            e.HasIndex(x => new { x.Status, x.PlacedAt });
            e.HasIndex(x => new { x.VendorId, x.PaidAt });
        });

        builder.Entity<OrderLine>(e =>
        {
            e.Property(x => x.ProductName).HasMaxLength(100);
            e.Property(x => x.Specification).HasMaxLength(100);
            e.Property(x => x.Unit).HasMaxLength(10);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.ProductId, x.OrderId }); // a product's orders, newest first (its latest reviews)
        });

        builder.Entity<OrderHistory>(e =>
        {
            e.Property(x => x.Action).HasMaxLength(32).IsUnicode(false);
            e.Property(x => x.ActorUserId).HasMaxLength(450);
            e.Property(x => x.ActorName).HasMaxLength(100);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.OrderId, x.Id });
        });

        builder.Entity<BankStatementLine>(e =>
        {
            e.Property(x => x.TransactionId).HasMaxLength(64);
            e.Property(x => x.Payer).HasMaxLength(200);
            e.Property(x => x.Memo).HasMaxLength(500);
            e.Property(x => x.OrderNumber).HasMaxLength(20).IsUnicode(false);
            e.Property(x => x.ImportedByUserId).HasMaxLength(450);
            e.HasIndex(x => new { x.VendorId, x.TransactionId }).IsUnique();
            e.HasIndex(x => new { x.VendorId, x.Id });
            e.HasOne<Vendor>().WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ProcessedWebhookEvent>(e =>
        {
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).HasMaxLength(255).IsUnicode(false);
            e.Property(x => x.Type).HasMaxLength(100).IsUnicode(false);
        });

        builder.Entity<RefundRequest>(e =>
        {
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.PhotoKeys).HasMaxLength(1000).IsUnicode(false);
            e.Property(x => x.RequestedByUserId).HasMaxLength(450);
            e.Property(x => x.VendorNote).HasMaxLength(500);
            e.Property(x => x.ArbitrationNote).HasMaxLength(500);
            e.Property(x => x.PayoutReference).HasMaxLength(255);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne(x => x.Order).WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.OrderId, x.Id });
            e.HasIndex(x => new { x.Status, x.Id });
        });

        builder.Entity<Notification>(e =>
        {
            e.Property(x => x.Link).HasMaxLength(200).IsUnicode(false);
            e.HasIndex(x => new { x.VendorId, x.Id });
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Body).HasMaxLength(2000);
            e.Property(x => x.SenderName).HasMaxLength(100);
            e.Property(x => x.UserId).HasMaxLength(450);
            e.HasIndex(x => new { x.BudgetUnitId, x.Id });
            e.HasIndex(x => new { x.UserId, x.Id });
        });

        builder.Entity<RegionPolicy>(e =>
        {
            e.HasIndex(x => new { x.RegionId, x.Year }).IsUnique();
            e.Property(x => x.CurveBp).HasMaxLength(100).IsUnicode(false);
            e.Property(x => x.SetByUserId).HasMaxLength(450);
            e.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<QuotaFiling>(e =>
        {
            e.HasIndex(x => new { x.BudgetUnitId, x.Year, x.Version }).IsUnique();
            e.HasIndex(x => new { x.Year, x.Status });
            e.Property(x => x.ExemptionReason).HasMaxLength(500);
            e.Property(x => x.CateringOperator).HasMaxLength(500);
            e.Property(x => x.ReturnReason).HasMaxLength(500);
            e.HasOne<BudgetUnit>().WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<BudgetUnit>().WithMany().HasForeignKey(x => x.HostUnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Plan).WithOne().HasForeignKey(x => x.FilingId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<MonthlyPlanAmount>(e =>
        {
            e.HasKey(x => new { x.FilingId, x.Month });
            e.ToTable(t => t.HasCheckConstraint("CK_MonthlyPlanAmounts_Month", "\"Month\" BETWEEN 1 AND 12"));
        });

        builder.Entity<QuotaFilingEvent>(e =>
        {
            e.Property(x => x.Action).HasMaxLength(32).IsUnicode(false);
            e.Property(x => x.ActorUserId).HasMaxLength(450);
            e.Property(x => x.ActorName).HasMaxLength(100);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<QuotaFiling>().WithMany().HasForeignKey(x => x.FilingId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.FilingId, x.Id });
        });

        builder.Entity<QuotaLedgerEntry>(e =>
        {
            e.Property(x => x.SourceKey).HasMaxLength(80).IsUnicode(false);
            e.HasIndex(x => x.SourceKey).IsUnique();
            e.HasIndex(x => new { x.BudgetUnitId, x.Year, x.On });
            e.HasIndex(x => x.OrderId);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.CreatedBy).HasMaxLength(450);
            e.HasOne<BudgetUnit>().WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<MonthEndRun>(e =>
        {
            e.HasIndex(x => new { x.ScopeRegionId, x.Year, x.Month, x.Kind }).IsUnique();
            e.Property(x => x.StartedBy).HasMaxLength(100);
        });

        builder.Entity<UnitMonthStanding>(e =>
        {
            e.HasKey(x => new { x.Year, x.Month, x.BudgetUnitId });
            // A scope is a region code range; pages sort by completion within it.
            e.HasIndex(x => new { x.Year, x.Month, x.RegionId, x.CompletionBp });
            e.HasOne<BudgetUnit>().WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<RegionMonthTotal>(e => e.HasKey(x => new { x.Year, x.Month, x.RegionId }));

        builder.Entity<AuditEntry>(e =>
        {
            e.Property(x => x.ActorUserId).HasMaxLength(450);
            e.Property(x => x.ActorName).HasMaxLength(100);
            e.Property(x => x.ActorRole).HasMaxLength(32).IsUnicode(false);
            e.Property(x => x.Action).HasMaxLength(40).IsUnicode(false);
            e.Property(x => x.Target).HasMaxLength(200);
            e.Property(x => x.Details).HasMaxLength(1000);
            e.Property(x => x.IpAddress).HasMaxLength(45).IsUnicode(false);
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.ActorUserId, x.Id });
            e.HasIndex(x => new { x.Action, x.Id });
        });

        builder.Entity<QuotaLedgerMonth>(e =>
        {
            e.HasKey(x => new { x.Year, x.BudgetUnitId, x.Month });
            e.HasOne<BudgetUnit>().WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
            e.ToTable(t => t.HasCheckConstraint("CK_QuotaLedgerMonths_Month", "\"Month\" BETWEEN 1 AND 12"));
        });

        builder.Entity<QuotaAlert>(e =>
        {
            e.HasIndex(x => new { x.BudgetUnitId, x.Year, x.Month, x.Kind }).IsUnique();
            e.HasIndex(x => new { x.Year, x.Month, x.RegionId });
            e.HasOne<BudgetUnit>().WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<EmailMessage>(e =>
        {
            e.Property(x => x.SourceKey).HasMaxLength(120).IsUnicode(false);
            e.HasIndex(x => x.SourceKey).IsUnique();
            e.HasIndex(x => new { x.SentAt, x.NextAttemptAt });
            e.Property(x => x.To).HasMaxLength(256);
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.Body).HasMaxLength(4000);
            e.Property(x => x.LastError).HasMaxLength(1000);
        });

        builder.Entity<PavilionText>(e =>
        {
            e.HasKey(x => x.RegionId);
            e.Property(x => x.RegionId).ValueGeneratedNever();
            e.Property(x => x.Description).HasMaxLength(PavilionText.MaxLength);
            e.Property(x => x.UpdatedBy).HasMaxLength(100);
            e.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ProgressPublication>(e =>
        {
            e.HasKey(x => x.RegionId);
            e.Property(x => x.RegionId).ValueGeneratedNever();
            e.Property(x => x.UpdatedBy).HasMaxLength(100);
            e.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<VendorCreditChange>(e =>
        {
            e.Property(x => x.Trigger).HasMaxLength(200);
            e.HasOne<Vendor>().WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.VendorId, x.Id });
        });

        builder.Entity<Complaint>(e =>
        {
            e.Property(x => x.Reason).HasMaxLength(Complaint.MaxText);
            e.Property(x => x.RulingNote).HasMaxLength(Complaint.MaxText);
            e.Property(x => x.RuledByName).HasMaxLength(100);
            e.Property(x => x.FiledByUserId).HasMaxLength(450);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne(x => x.Order).WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Vendor>().WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.VendorId, x.Status });
            e.HasIndex(x => new { x.Status, x.Id });
            e.HasIndex(x => x.OrderId);
        });

        builder.Entity<ProductChange>(e =>
        {
            e.HasOne(x => x.Product).WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ProductId);
        });

        builder.Entity<ProductPhoto>(e =>
        {
            e.Property(x => x.StorageKey).HasMaxLength(64).IsUnicode(false);
            e.HasIndex(x => x.StorageKey).IsUnique();
            e.HasIndex(x => new { x.ProductId, x.SortOrder });
        });

        builder.Entity<AppUser>(e =>
        {
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.HasOne(x => x.BudgetUnit).WithMany().HasForeignKey(x => x.BudgetUnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Vendor).WithMany().HasForeignKey(x => x.VendorId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Region).WithMany().HasForeignKey(x => x.RegionId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

public sealed class SqliteMarketplaceDbContext(DbContextOptions<SqliteMarketplaceDbContext> options)
    : MarketplaceDbContext(options)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, WriteGate> Gates = new(StringComparer.Ordinal);
    private WriteGate? _gate;

    /// <summary>One gate per database file in this process: SQLite lets one writer in at a time.</summary>
    public override WriteGate WriteGate => _gate ??= Gates.GetOrAdd(
        Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Database.GetConnectionString()).DataSource is { Length: > 0 } file
            && file != ":memory:" ? file : "memory:" + Database.GetConnectionString()),
        _ => new WriteGate());
}

public sealed class SqlServerMarketplaceDbContext(DbContextOptions<SqlServerMarketplaceDbContext> options)
    : MarketplaceDbContext(options);

/// <summary>
/// PostgreSQL (and the PostgreSQL-compatible databases of Chinese government IT). Times are stored as they are
/// everywhere else in this app: UTC values in a plain <c>timestamp</c> column. Npgsql writes only a DateTime of
/// unspecified kind there, so values (and query parameters compared with them) pass through a converter that drops
/// the kind on the way in and reads them back as UTC.
/// </summary>
public sealed class PostgreSqlMarketplaceDbContext(DbContextOptions<PostgreSqlMarketplaceDbContext> options)
    : MarketplaceDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveColumnType("timestamp without time zone").HaveConversion<UtcAsPlainTimestamp>();
        configurationBuilder.Properties<DateTime?>().HaveColumnType("timestamp without time zone").HaveConversion<UtcAsPlainTimestamp>();
    }

    private sealed class UtcAsPlainTimestamp() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
