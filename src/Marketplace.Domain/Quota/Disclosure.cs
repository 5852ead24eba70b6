namespace Marketplace.Domain.Quota;

/// <summary>
/// What the public transparency page may show (信息公开): aggregates only. A row covering fewer than
/// <see cref="MinimumUnits"/> budget units is suppressed (primary suppression), and when that would let a reader work
/// it out from the total and its siblings — only one row suppressed, or the suppressed rows together still cover fewer
/// than the minimum — the smallest other rows are suppressed too (secondary suppression). Rows of a region whose
/// finance bureau opted in to publishing unit figures are shown as they are.
/// </summary>
public static class Disclosure
{
    public const int MinimumUnits = 3;

    public sealed record Row(int Key, int Units, bool Published);

    /// <summary>Whether a single total (a page's own region) may be shown.</summary>
    public static bool TotalShown(int units, bool published, int minimum = MinimumUnits) => published || units == 0 || units >= minimum;

    /// <summary>The keys of the rows whose figures must not be shown.</summary>
    public static IReadOnlySet<int> Suppressed(IReadOnlyList<Row> rows, bool totalSuppressed, int minimum = MinimumUnits)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var hidden = new HashSet<int>();
        var open = rows.Where(r => !r.Published && r.Units > 0).ToList();
        if (totalSuppressed)
        {
            foreach (var r in open) hidden.Add(r.Key);
            return hidden;
        }
        foreach (var r in open.Where(r => r.Units < minimum)) hidden.Add(r.Key);
        var candidates = new Queue<Row>(open.Where(r => !hidden.Contains(r.Key)).OrderBy(r => r.Units).ThenBy(r => r.Key));
        while (hidden.Count > 0 && (hidden.Count == 1 || open.Where(r => hidden.Contains(r.Key)).Sum(r => r.Units) < minimum) && candidates.Count > 0)
            hidden.Add(candidates.Dequeue().Key);
        return hidden;
    }
}
