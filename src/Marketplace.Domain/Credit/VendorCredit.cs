namespace Marketplace.Domain.Credit;

/// <summary>供应商信用等级. <see cref="New"/>: too few orders in the window to grade yet.</summary>
public enum CreditGrade
{
    New = 0,
    D = 1,
    C = 2,
    B = 3,
    A = 4,
}

/// <summary>
/// What a vendor's credit is computed from, over the rolling window (<see cref="CreditPolicy.WindowDays"/>): counts of
/// its orders paid in the window (cancelled orders never count) and what became of them. Gathered from the database by
/// the caller; the rules below see only numbers.
/// </summary>
public sealed record CreditFacts
{
    /// <summary>Orders paid in the window.</summary>
    public int PaidOrders { get; init; }
    public long PaidFen { get; init; }
    public long RefundedFen { get; init; }

    /// <summary>四方评价 — the buyer's part: how many orders were evaluated, and the sums of their three ratings (1–5).</summary>
    public int EvaluatedOrders { get; init; }
    public long QualitySum { get; init; }
    public long DeliverySum { get; init; }
    public long ServiceSum { get; init; }

    /// <summary>Paid orders that are shipped, or unshipped past the promise; and those shipped late or not at all.</summary>
    public int ShipmentsDue { get; init; }
    public int ShipmentsLate { get; init; }

    /// <summary>Shipped orders whose invoice is uploaded, or missing past the deadline; and those late or missing.</summary>
    public int InvoicesDue { get; init; }
    public int InvoicesLate { get; init; }

    /// <summary>Accepted (验收) orders, and those of them the buyer asked a refund for.</summary>
    public int AcceptedOrders { get; init; }
    public int AcceptedWithRefundRequest { get; init; }

    /// <summary>Refund disputes the platform decided for the buyer (the vendor disputed and lost).</summary>
    public int DisputesLost { get; init; }

    /// <summary>Buyers' complaints the platform upheld.</summary>
    public int ComplaintsUpheld { get; init; }
}

/// <summary>One part of the score: the points earned of the most it can give, and what would raise it.</summary>
public sealed record CreditComponent(string Key, string NameZh, string NameEn, decimal Points, decimal Max, string Measure, string? AdviceZh, string? AdviceEn);

public sealed record CreditResult(CreditGrade Grade, int ScoreTenths, IReadOnlyList<CreditComponent> Components)
{
    /// <summary>The score out of 100 with one decimal (e.g. 93.4).</summary>
    public decimal Score => ScoreTenths / 10m;
}

/// <summary>
/// 供应商信用评价: a score out of 100 recomputed from facts, never typed in, and a grade from it.
/// <list type="bullet">
/// <item>Buyers' evaluations, 40 points: 40 × (mean rating − 1) / 4 over every rating of every evaluated order.</item>
/// <item>Shipping on time, 20: 20 × the share of due shipments made within <see cref="ShipWithinHours"/> of payment.</item>
/// <item>Refunds, 20: 20 × (1 − 5 × refunded / paid), not below 0 (a fifth of the money refunded takes all 20).</item>
/// <item>Acceptance without dispute, 10: 10 × the share of accepted orders with no refund request.</item>
/// <item>Invoices on time, 10: 10 × the share of invoices uploaded within <see cref="InvoiceWithinDays"/> of shipping.</item>
/// <item>Less <see cref="DisputeLostPenalty"/> per refund dispute lost and <see cref="ComplaintPenalty"/> per upheld
/// complaint; never below 0.</item>
/// </list>
/// A part with nothing to measure yet (no evaluations, no invoices due…) gives its full points: there is nothing
/// against the vendor. With fewer than <see cref="MinimumOrders"/> paid orders in the window the vendor is
/// <see cref="CreditGrade.New"/>. Grades: A ≥ 90, B ≥ 80, C ≥ 65, D below.
/// </summary>
public static class CreditPolicy
{
    public const int WindowDays = 365;
    public const int MinimumOrders = 5;
    public const int ShipWithinHours = 48;
    public const int InvoiceWithinDays = 7;
    public const decimal DisputeLostPenalty = 3m;
    public const decimal ComplaintPenalty = 5m;
    public const int GradeATenths = 900, GradeBTenths = 800, GradeCTenths = 650;

    public static CreditResult Evaluate(CreditFacts f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var components = new List<CreditComponent>();

        decimal Share(int bad, int of) => of <= 0 ? 1m : 1m - Math.Clamp((decimal)bad / of, 0m, 1m);

        var ratings = 3L * f.EvaluatedOrders;
        var mean = ratings == 0 ? 5m : Math.Clamp((decimal)(f.QualitySum + f.DeliverySum + f.ServiceSum) / ratings, 1m, 5m);
        var evaluation = 40m * (mean - 1m) / 4m;
        string Avg(long sum) => f.EvaluatedOrders == 0 ? "—" : ((decimal)sum / f.EvaluatedOrders).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        components.Add(new CreditComponent("evaluation", "买方评价", "Buyers' evaluations", evaluation, 40m,
            f.EvaluatedOrders == 0 ? "0" : $"{f.EvaluatedOrders} · {Avg(f.QualitySum)}/{Avg(f.DeliverySum)}/{Avg(f.ServiceSum)}",
            evaluation < 40m ? $"评价均分{mean:0.00}：质量{Avg(f.QualitySum)}、配送{Avg(f.DeliverySum)}、服务{Avg(f.ServiceSum)}，提高最低的一项" : null,
            evaluation < 40m ? $"Mean rating {mean:0.00}: quality {Avg(f.QualitySum)}, delivery {Avg(f.DeliverySum)}, service {Avg(f.ServiceSum)}; improve the lowest" : null));

        var shipping = 20m * Share(f.ShipmentsLate, f.ShipmentsDue);
        components.Add(new CreditComponent("shipping", "按时发货", "Shipping on time", shipping, 20m, $"{f.ShipmentsDue - f.ShipmentsLate}/{f.ShipmentsDue}",
            f.ShipmentsLate > 0 ? $"{f.ShipmentsLate}笔订单未在付款后{ShipWithinHours}小时内发货" : null,
            f.ShipmentsLate > 0 ? $"{f.ShipmentsLate} orders not shipped within {ShipWithinHours} hours of payment" : null));

        var refundRate = f.PaidFen <= 0 ? 0m : Math.Clamp((decimal)f.RefundedFen / f.PaidFen, 0m, 1m);
        var refunds = 20m * Math.Max(0m, 1m - 5m * refundRate);
        components.Add(new CreditComponent("refunds", "退款率", "Refund rate", refunds, 20m, $"{Pct(refundRate)}",
            refundRate > 0 ? $"退款金额占实付金额{Pct(refundRate)}（每1%扣1分）" : null,
            refundRate > 0 ? $"Refunds are {Pct(refundRate)} of the money paid (1 point per 1%)" : null));

        var acceptance = 10m * Share(f.AcceptedWithRefundRequest, f.AcceptedOrders);
        components.Add(new CreditComponent("acceptance", "无争议验收", "Acceptance without dispute", acceptance, 10m,
            $"{f.AcceptedOrders - f.AcceptedWithRefundRequest}/{f.AcceptedOrders}",
            f.AcceptedWithRefundRequest > 0 ? $"{f.AcceptedWithRefundRequest}笔已验收订单有退货退款申请" : null,
            f.AcceptedWithRefundRequest > 0 ? $"{f.AcceptedWithRefundRequest} accepted orders had a refund request" : null));

        var invoices = 10m * Share(f.InvoicesLate, f.InvoicesDue);
        components.Add(new CreditComponent("invoices", "按时开票", "Invoices on time", invoices, 10m, $"{f.InvoicesDue - f.InvoicesLate}/{f.InvoicesDue}",
            f.InvoicesLate > 0 ? $"{f.InvoicesLate}张发票未在发货后{InvoiceWithinDays}天内上传" : null,
            f.InvoicesLate > 0 ? $"{f.InvoicesLate} invoices not uploaded within {InvoiceWithinDays} days of shipping" : null));

        var penalties = f.DisputesLost * DisputeLostPenalty + f.ComplaintsUpheld * ComplaintPenalty;
        if (penalties > 0)
            components.Add(new CreditComponent("penalties", "纠纷与投诉", "Disputes and complaints", -penalties, 0m, $"{f.DisputesLost} · {f.ComplaintsUpheld}",
                $"退款争议败诉{f.DisputesLost}次（每次扣{DisputeLostPenalty:0}分）、投诉成立{f.ComplaintsUpheld}次（每次扣{ComplaintPenalty:0}分）",
                $"{f.DisputesLost} refund disputes lost ({DisputeLostPenalty:0} points each), {f.ComplaintsUpheld} complaints upheld ({ComplaintPenalty:0} each)"));

        var total = Math.Max(0m, components.Sum(c => c.Points));
        var tenths = (int)Math.Round(total * 10m, MidpointRounding.AwayFromZero);
        var grade = f.PaidOrders < MinimumOrders ? CreditGrade.New : GradeOf(tenths);
        return new CreditResult(grade, tenths, components);
    }

    private static string Pct(decimal share) => (share * 100m).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    public static CreditGrade GradeOf(int scoreTenths) => scoreTenths switch
    {
        >= GradeATenths => CreditGrade.A,
        >= GradeBTenths => CreditGrade.B,
        >= GradeCTenths => CreditGrade.C,
        _ => CreditGrade.D,
    };

    /// <summary>
    /// The factor a relevance score is multiplied by for the vendor's grade: A +10%, B +5%, others none. Small on
    /// purpose: it reorders near-equal matches, never puts a poor match above a good one.
    /// </summary>
    public static float RelevanceBoost(CreditGrade grade) => grade switch
    {
        CreditGrade.A => 1.10f,
        CreditGrade.B => 1.05f,
        _ => 1f,
    };

    public static string Label(CreditGrade grade) => grade switch
    {
        CreditGrade.New => "新入驻",
        _ => grade + "级",
    };

    public static string LabelEn(CreditGrade grade) => grade == CreditGrade.New ? "new" : "grade " + grade;

    /// <summary>The start of the window for a computation at <paramref name="nowUtc"/>.</summary>
    public static DateTime WindowStart(DateTime nowUtc) => nowUtc.AddDays(-WindowDays);

    /// <summary>Whether a paid order is due to have shipped, and whether it shipped late (or not at all).</summary>
    public static (bool Due, bool Late) Shipment(DateTime paidAt, DateTime? shippedAt, DateTime nowUtc)
    {
        var deadline = paidAt.AddHours(ShipWithinHours);
        if (shippedAt is { } s) return (true, s > deadline);
        return nowUtc > deadline ? (true, true) : (false, false);
    }

    /// <summary>Whether a shipped order's invoice is due, and whether it came late (or not at all).</summary>
    public static (bool Due, bool Late) Invoice(DateTime shippedAt, DateTime? uploadedAt, DateTime nowUtc)
    {
        var deadline = shippedAt.AddDays(InvoiceWithinDays);
        if (uploadedAt is { } u) return (true, u > deadline);
        return nowUtc > deadline ? (true, true) : (false, false);
    }
}
