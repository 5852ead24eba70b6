using Bogus;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Quota;

namespace Marketplace.Seed;

public sealed record QuotaDemoOptions
{
    public int Seed { get; init; } = 832;
    public int Year { get; init; }
    /// <summary>Purchases are generated up to (not including) this day, China time.</summary>
    public DateOnly Today { get; init; }
    /// <summary>About how many ledger lines to write; null: about two a month for each unit with a requirement.</summary>
    public long? LedgerEntries { get; init; }
}

public sealed record QuotaDemoData(IReadOnlyList<RegionPolicy> Policies, IReadOnlyList<QuotaFiling> Filings, IEnumerable<QuotaLedgerEntry> Ledger);

/// <summary>
/// A year of reserved shares for the demo and benchmarks, from a fixed seed: each unit province's policy, the units'
/// filings in every canteen case (some late, some pending, some never filed), monthly plans, and purchases with a
/// realistic spread — most units near the expected curve, some ahead, some well behind, a few buying nothing —
/// written to the ledger as lines of purchase history (streamed, so ten million lines never sit in memory).
/// </summary>
public sealed class QuotaDemoGenerator(IReadOnlyList<BudgetUnit> units, QuotaDemoOptions options)
{
    private Faker NewFaker(int stream) => new("zh_CN") { Random = new Randomizer(options.Seed * 7919 + 100 + stream) };

    public QuotaDemoData Generate()
    {
        var f = NewFaker(1);
        var year = options.Year;
        var policies = units.Select(u => RegionCode.ProvinceOf(u.RegionId)).Distinct().Order().Select(p => new RegionPolicy
        {
            RegionId = p, Year = year, MinimumRatioBp = f.PickRandom(1500, 2000, 2500, 3000), FilingDeadline = new DateOnly(year, 3, 31),
            UnionPurchasesCount = true, AlertThresholdBp = 1000, SetByUserId = "seed", UpdatedAt = new DateTime(year, 1, 5, 2, 0, 0, DateTimeKind.Utc),
            CurveBp = string.Join(',', ReservationPolicy.LinearCurve.Select(c => c.Value)),
        }).ToList();
        var minimum = policies.ToDictionary(p => p.RegionId, p => p.MinimumRatioBp);

        var filings = new List<QuotaFiling>(units.Count);
        // The demo's `buyer` account belongs to the first subordinate unit: it runs its own canteen and lags, so the
        // walkthrough has an alert to show.
        var demoUnit = units.FirstOrDefault(u => u.ParentId != null)?.Id;
        var id = 0;
        BudgetUnit? previous = null;
        foreach (var u in units)
        {
            var roll = f.Random.Double();
            // 5% never filed, 2% draft, 3% submitted, 2% returned; of the rest 8% no canteen, 5% shared, 12% outsourced.
            var status = u.Id == demoUnit ? FilingStatus.Approved
                : roll switch { < 0.05 => (FilingStatus?)null, < 0.07 => FilingStatus.Draft, < 0.10 => FilingStatus.Submitted, < 0.12 => FilingStatus.Returned, _ => FilingStatus.Approved };
            if (status is null) { previous = u; continue; }
            var kind = u.Id == demoUnit ? CanteenArrangement.OwnCanteen : f.Random.Double() switch
            {
                < 0.08 => CanteenArrangement.NoCanteen,
                < 0.13 when previous is not null && previous.RegionId == u.RegionId => CanteenArrangement.SharedWithHost,
                < 0.25 => CanteenArrangement.Outsourced,
                _ => CanteenArrangement.OwnCanteen,
            };
            var requirement = kind is CanteenArrangement.OwnCanteen or CanteenArrangement.Outsourced;
            var total = requirement ? Money.FromYuan(f.Random.Long(20, 500) * 10_000) : Money.Zero;
            var ratio = requirement ? new BasisPoints(minimum[RegionCode.ProvinceOf(u.RegionId)] + f.PickRandom(0, 0, 0, 500, 1000)) : new BasisPoints(0);
            var reserved = ratio.ApplyRoundingUp(total);
            var submitted = new DateTime(year, f.Random.Int(1, 4), f.Random.Int(1, 28), f.Random.Int(0, 15), 0, 0, DateTimeKind.Utc);
            var filing = new QuotaFiling
            {
                Id = ++id, BudgetUnitId = u.Id, Year = year, Version = 1, Status = status.Value, IsEffective = status == FilingStatus.Approved,
                Arrangement = kind, CanteenTotalFen = total.Fen, RatioBp = ratio.Value, ReservedFen = reserved.Fen,
                CateringOperator = kind == CanteenArrangement.Outsourced ? f.Company.CompanyName() + "餐饮管理有限公司" : null,
                HostUnitId = kind == CanteenArrangement.SharedWithHost ? previous!.Id : null,
                SubmittedAt = status == FilingStatus.Draft ? null : submitted, IsLate = status != FilingStatus.Draft && DateOnly.FromDateTime(submitted.AddHours(8)) > new DateOnly(year, 3, 31),
                ReturnReason = status == FilingStatus.Returned ? "食堂食材采购总额与上年决算差异较大，请核实后重新填报" : null,
                ApprovedAt = status == FilingStatus.Approved ? submitted.AddDays(f.Random.Int(1, 10)) : null, CreatedAt = submitted.AddDays(-1),
            };
            if (filing.IsEffective && reserved.Fen > 0)
                filing.Plan.AddRange((f.Random.Bool() ? MonthlyPlan.SpreadEvenly(reserved) : MonthlyPlan.FollowCurve(reserved, ReservationPolicy.Create(
                        RegionCode.ProvinceOf(u.RegionId), year, new BasisPoints(1500), new DateOnly(year, 3, 31), true, new BasisPoints(1000))))
                    .Months.Select((m, i) => new MonthlyPlanAmount { FilingId = filing.Id, Month = i + 1, AmountFen = m.Fen }));
            filings.Add(filing);
            previous = u;
        }
        return new QuotaDemoData(policies, filings, Ledger(filings));
    }

    private IEnumerable<QuotaLedgerEntry> Ledger(List<QuotaFiling> filings)
    {
        var f = NewFaker(2);
        var year = options.Year;
        var buying = filings.Where(x => x.IsEffective && x.ReservedFen > 0).ToList();
        // Purchases also come from units without an approved filing yet (and the guests of shared canteens).
        var guests = filings.Where(x => x.Arrangement == CanteenArrangement.SharedWithHost && x.IsEffective).ToList();
        var lastDay = options.Today.Year > year ? new DateOnly(year, 12, 31) : options.Today.AddDays(-1);
        if (lastDay.Year < year || buying.Count == 0) yield break;
        var months = lastDay.Month;
        var perUnitMonth = options.LedgerEntries is { } target ? Math.Max(1.0, (double)target / (buying.Count * months)) : 2.0;
        long id = 0;
        var created = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var demoUnit = units.FirstOrDefault(u => u.ParentId != null)?.Id;
        foreach (var filing in buying.Concat(guests))
        {
            var guest = filing.Arrangement == CanteenArrangement.SharedWithHost;
            var monthly = guest ? f.Random.Long(2_000, 20_000) * 100 : filing.ReservedFen / 12;
            // Pace: most near the curve; a quarter well behind, a tenth ahead, a few not buying at all.
            var pace = f.Random.Double() switch { < 0.04 => 0.0, < 0.28 => f.Random.Double(0.2, 0.75), < 0.38 => f.Random.Double(1.1, 1.6), _ => f.Random.Double(0.85, 1.1) };
            if (filing.BudgetUnitId == demoUnit) pace = 0.45;
            if (pace == 0) continue;
            for (var m = 1; m <= months; m++)
            {
                var days = m == months ? lastDay.Day : DateTime.DaysInMonth(year, m);
                var lines = Math.Max(1, (int)Math.Round(perUnitMonth * f.Random.Double(0.6, 1.4)));
                var amount = (long)(monthly * pace * f.Random.Double(0.5, 1.5));
                for (var i = 0; i < lines; i++)
                {
                    var fen = Math.Max(100, amount / lines / 10 * 10);
                    id++;
                    yield return new QuotaLedgerEntry
                    {
                        Id = id, BudgetUnitId = filing.BudgetUnitId, Year = year, Kind = LedgerEntryKind.Adjustment, AmountFen = fen,
                        On = new DateOnly(year, m, f.Random.Int(1, days)), SourceKey = $"demo:{options.Seed}:{id}",
                        Reason = "演示数据：历史采购 / demo purchase history", CreatedBy = "seed", CreatedAt = created,
                    };
                }
            }
        }
    }
}
