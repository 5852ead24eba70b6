using System.Globalization;
using System.Text;
using Marketplace.Domain;
using Marketplace.Domain.Quota;

namespace Marketplace.Data.Finance;

/// <summary>A table to export: Chinese headers, and for each row the cells (amounts in yuan with two decimals).</summary>
public sealed record ExportColumn<T>(string Header, Func<T, object?> Value);

public static class ExportTables
{
    public static string Yuan(long fen) => new Money(fen).ToYuanString();
    public static string Percent(int bp) => (bp / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public static string StatusName(StandingStatus s) => s switch
    {
        StandingStatus.OnTrack => "正常",
        StandingStatus.Lagging => "进度落后",
        StandingStatus.NotFiled => "未填报",
        StandingStatus.Pending => "待审核",
        StandingStatus.Exempt => "无食堂（免于考核）",
        StandingStatus.Shared => "共用食堂（随主办单位）",
        _ => "未设置政策",
    };

    public static string AlertName(AlertKind k) => k switch
    {
        AlertKind.Lagging => "进度落后",
        AlertKind.NotFiled => "未填报",
        _ => "预警提示",
    };

    public static IReadOnlyList<ExportColumn<UnitRow>> Units(Func<int, string> regionName) =>
    [
        new("统一社会信用代码", r => r.CreditCode),
        new("单位名称", r => r.Name),
        new("地区", r => regionName(r.RegionId)),
        new("状态", r => StatusName(r.Status)),
        new("预留份额(元)", r => Yuan(r.ReservedFen)),
        new("已完成(元)", r => Yuan(r.CompletedFen)),
        new("完成率(%)", r => Percent(r.CompletionBp)),
        new("时间进度(%)", r => Percent(r.ExpectedBp)),
        new("计划累计(元)", r => Yuan(r.PlannedFen)),
        new("差额(元)", r => Yuan(r.ShortfallFen)),
        new("此后每月需采购(元)", r => Yuan(r.NeededPerMonthFen)),
        new("连续落后月数", r => r.MonthsBehind),
        new("通报", r => r.Escalated ? "是" : "否"),
        new("全年预测(元)", r => Yuan(r.ForecastFen)),
        new("预计完不成全年", r => r.ProjectedToMiss ? "是" : "否"),
    ];

    public static IReadOnlyList<ExportColumn<RegionRow>> Regions(Func<int, string> regionName) =>
    [
        new("地区代码", r => RegionCode.Format(r.RegionId)),
        new("地区", r => regionName(r.RegionId)),
        new("单位数", r => r.Figures.Units),
        new("应填报", r => r.Figures.Required),
        new("已填报", r => r.Figures.Filed),
        new("已审核", r => r.Figures.Approved),
        new("免于考核", r => r.Figures.Exempt + r.Figures.Shared),
        new("未填报", r => r.Figures.NotFiled),
        new("进度落后", r => r.Figures.Lagging),
        new("通报", r => r.Figures.Escalated),
        new("预留份额(元)", r => Yuan(r.Figures.ReservedFen)),
        new("已完成(元)", r => Yuan(r.Figures.CompletedFen)),
        new("完成率(%)", r => Percent(r.Figures.Completion.Value)),
        new("时间进度(%)", r => Percent(r.Figures.TimeProgress.Value)),
    ];
}

/// <summary>CSV as Excel opens it: UTF-8 with a byte-order mark, CRLF lines, quoted where needed; rows written as they come.</summary>
public static class Csv
{
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    public static async Task WriteAsync<T>(Stream output, IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, Utf8WithBom, bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', columns.Select(c => Escape(c.Header))));
        var line = new StringBuilder();
        await foreach (var row in rows.WithCancellation(ct))
        {
            line.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                line.Append(Escape(Convert.ToString(columns[i].Value(row), CultureInfo.InvariantCulture)));
            }
            await writer.WriteLineAsync(line);
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>Quotes a cell holding a comma, quote or line break; a leading =, +, - or @ is neutralised so Excel never runs it as a formula.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '@' or '\t' or '\r' || (value[0] == '-' && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _)))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    public static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> rows)
    {
        foreach (var row in rows) yield return row;
        await Task.CompletedTask;
    }
}
