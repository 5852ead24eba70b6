using System.Text.Json;
using Marketplace.Data.Finance;
using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Features.Finance;

/// <summary>The data-json of the progress charts (web/js/finance.js), shared by the dashboard and the public page.</summary>
public static class ChartJson
{
    /// <summary>Completed against expected, by closed month, in yuan.</summary>
    public static string Series(IReadOnlyList<MonthPoint> series, IStringLocalizer l) => JsonSerializer.Serialize(new
    {
        months = series.Select(p => p.Month),
        completed = series.Select(p => Math.Round(p.CompletedFen / 100m, 2)),
        expected = series.Select(p => Math.Round(p.ExpectedFen / 100m, 2)),
        labels = new { completed = l["Completed"].Value, expected = l["Expected by the curve"].Value, month = l["Month"].Value },
    });

    /// <summary>One completion ring per region (in percent), red when behind its time progress.</summary>
    public static string Rings(IEnumerable<(string Name, BasisPoints Completion, BasisPoints Expected)> regions) =>
        JsonSerializer.Serialize(regions.Select(r => new { name = r.Name, completion = r.Completion.Value / 100m, expected = r.Expected.Value / 100m }));
}
