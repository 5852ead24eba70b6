using Marketplace.Domain.Quota;

namespace Marketplace.Domain.Administration;

/// <summary>One row of a budget-unit spreadsheet, as typed.</summary>
public sealed record UnitImportRow(int Line, string? Name, string? CreditCode, string? RegionCode, string? ParentCreditCode, string? Canteen);

/// <summary>A row that passed every check, normalised.</summary>
public sealed record ValidUnitRow(int Line, string Name, string CreditCode, int RegionId, string? ParentCreditCode, CanteenArrangement? Canteen);

public sealed record UnitImportError(int Line, string Column, string MessageZh, string MessageEn);

/// <summary>A unit already on the platform, as the import sees it.</summary>
public sealed record ExistingUnit(int Id, string CreditCode, int RegionId, string? ParentCreditCode);

public sealed record UnitImportPlan(IReadOnlyList<ValidUnitRow> Rows, IReadOnlyList<UnitImportError> Errors, int New, int Updated);

/// <summary>
/// 预算单位导入: the rules for a spreadsheet of units (单位名称, 统一社会信用代码, 行政区划代码, 上级单位统一社会信用代码,
/// 是否有食堂). Every row is checked and every error reported with its line, before anything is written: check
/// digit, known region inside the importer's scope, parent in the file or on the platform (and inside the scope),
/// no cycles, no code twice in the file, no code that belongs to a unit outside the scope. Rows are keyed by credit
/// code, so importing the same file again updates instead of duplicating.
/// </summary>
public static class UnitImportRules
{
    public const int MaxRows = 100_000;
    public const int MaxNameLength = 100;

    public static readonly IReadOnlyList<string> Headers = ["单位名称", "统一社会信用代码", "行政区划代码", "上级单位统一社会信用代码", "是否有食堂"];

    /// <summary>Which column each header names (Chinese, or English for an English template); null when a required one is missing.</summary>
    public static Dictionary<string, int>? MapHeaders(IReadOnlyList<string> header)
    {
        var names = new Dictionary<string, string[]>
        {
            ["name"] = ["单位名称", "name", "unit name"],
            ["code"] = ["统一社会信用代码", "credit code", "unified social credit code"],
            ["region"] = ["行政区划代码", "region code", "region"],
            ["parent"] = ["上级单位统一社会信用代码", "上级单位", "parent credit code"],
            ["canteen"] = ["是否有食堂", "食堂情况", "canteen"],
        };
        var map = new Dictionary<string, int>();
        for (var i = 0; i < header.Count; i++)
        {
            var h = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            foreach (var (key, options) in names)
                if (!map.ContainsKey(key) && options.Any(o => h == o || h.StartsWith(o + "(", StringComparison.Ordinal) || h.StartsWith(o + "（", StringComparison.Ordinal)))
                    map[key] = i;
        }
        return map.ContainsKey("name") && map.ContainsKey("code") && map.ContainsKey("region") ? map : null;
    }

    /// <summary>是/有/自办 → own canteen, 否/无 → none, 外包 → outsourced, 共用 → shared; empty → not stated; anything else is an error.</summary>
    public static bool TryParseCanteen(string? text, out CanteenArrangement? canteen)
    {
        canteen = null;
        var t = text?.Trim().ToLowerInvariant() ?? "";
        if (t.Length == 0) return true;
        canteen = t switch
        {
            "是" or "有" or "自办" or "自办食堂" or "有食堂" or "yes" or "own" => CanteenArrangement.OwnCanteen,
            "否" or "无" or "没有" or "无食堂" or "no" or "none" => CanteenArrangement.NoCanteen,
            "外包" or "食堂外包" or "outsourced" => CanteenArrangement.Outsourced,
            "共用" or "共用食堂" or "多单位共用" or "shared" => CanteenArrangement.SharedWithHost,
            _ => null,
        };
        return canteen is not null;
    }

    /// <param name="rows">The file's rows.</param>
    /// <param name="regionExists">Whether a six-digit code is a known administrative division.</param>
    /// <param name="scope">The importer's region (null: the whole platform).</param>
    /// <param name="existing">The platform's units with the codes the file names (its own codes and parents').</param>
    public static UnitImportPlan Check(IReadOnlyList<UnitImportRow> rows, Func<int, bool> regionExists, int? scope, IReadOnlyDictionary<string, ExistingUnit> existing)
    {
        var errors = new List<UnitImportError>();
        void Error(int line, string column, string zh, string en) => errors.Add(new UnitImportError(line, column, zh, en));
        if (rows.Count == 0) Error(0, "", "文件中没有单位", "The file holds no units.");
        if (rows.Count > MaxRows) Error(0, "", $"一次最多导入{MaxRows}个单位", $"At most {MaxRows} units per file.");

        var valid = new List<ValidUnitRow>(rows.Count);
        var firstLineOf = new Dictionary<string, int>();
        foreach (var r in rows)
        {
            var ok = true;
            var name = r.Name?.Trim() ?? "";
            if (name.Length == 0) { Error(r.Line, "单位名称", "单位名称不能为空", "The unit name is required."); ok = false; }
            else if (name.Length > MaxNameLength) { Error(r.Line, "单位名称", $"单位名称不能超过{MaxNameLength}字", $"The name may have at most {MaxNameLength} characters."); ok = false; }

            var code = r.CreditCode?.Trim().ToUpperInvariant() ?? "";
            if (UnifiedSocialCreditCode.Validate(code) is { } codeError)
            {
                var parts = codeError.Split(" / ");
                Error(r.Line, "统一社会信用代码", parts[0], parts.Length > 1 ? parts[1] : parts[0]);
                ok = false;
            }
            else if (firstLineOf.TryGetValue(code, out var firstLine))
            {
                Error(r.Line, "统一社会信用代码", $"与第{firstLine}行的统一社会信用代码重复", $"The same credit code as line {firstLine}.");
                ok = false;
            }
            else
            {
                firstLineOf[code] = r.Line;
                if (existing.TryGetValue(code, out var there) && scope is { } s && !RegionCode.Contains(s, there.RegionId))
                {
                    Error(r.Line, "统一社会信用代码", "该统一社会信用代码已属于您管辖范围以外的单位", "This credit code belongs to a unit outside your region.");
                    ok = false;
                }
            }

            var regionText = r.RegionCode?.Trim() ?? "";
            var region = 0;
            if (regionText.Length != 6 || !int.TryParse(regionText, out region) || !RegionCode.IsValid(region) || !regionExists(region))
            {
                Error(r.Line, "行政区划代码", $"行政区划代码“{Clip(regionText)}”不存在（须为6位统计用区划代码）", $"Unknown region code '{Clip(regionText)}' (six digits).");
                ok = false;
            }
            else if (scope is { } s && !RegionCode.Contains(s, region))
            {
                Error(r.Line, "行政区划代码", "行政区划不在您的管辖范围内", "The region is outside your region.");
                ok = false;
            }

            var parent = string.IsNullOrWhiteSpace(r.ParentCreditCode) ? null : r.ParentCreditCode.Trim().ToUpperInvariant();
            if (parent == code && parent is not null) { Error(r.Line, "上级单位统一社会信用代码", "上级单位不能是本单位", "A unit cannot be its own parent."); ok = false; }

            if (!TryParseCanteen(r.Canteen, out var canteen))
            {
                Error(r.Line, "是否有食堂", $"“{Clip(r.Canteen)}”无法识别，请填写是、否、外包或共用", $"'{Clip(r.Canteen)}' is not one of 是 / 否 / 外包 / 共用.");
                ok = false;
            }
            if (ok) valid.Add(new ValidUnitRow(r.Line, name, code, region, parent, canteen));
        }

        // Parents: in the file, or on the platform inside the scope.
        var inFile = valid.ToDictionary(v => v.CreditCode);
        foreach (var v in valid.Where(v => v.ParentCreditCode is not null))
        {
            var there = existing.GetValueOrDefault(v.ParentCreditCode!);
            if (there is not null && scope is { } s && !RegionCode.Contains(s, there.RegionId))
                Error(v.Line, "上级单位统一社会信用代码", "上级单位不在您的管辖范围内", "The parent unit is outside your region.");
            else if (there is null && !firstLineOf.ContainsKey(v.ParentCreditCode!))
                Error(v.Line, "上级单位统一社会信用代码", "上级单位在文件和平台中都不存在", "The parent unit is neither in the file nor on the platform.");
        }

        // Cycles: follow each row's parents through the file, then through the platform's current parents.
        string? ParentOf(string code) => inFile.TryGetValue(code, out var row) ? row.ParentCreditCode
            : existing.TryGetValue(code, out var unit) ? unit.ParentCreditCode : null;
        foreach (var v in valid)
        {
            var seen = new HashSet<string> { v.CreditCode };
            for (var p = v.ParentCreditCode; p is not null; p = ParentOf(p))
            {
                if (!seen.Add(p))
                {
                    Error(v.Line, "上级单位统一社会信用代码", "上下级关系形成循环", "The parent links form a cycle.");
                    break;
                }
                if (seen.Count > 64) break;
            }
        }

        var errorLines = errors.Select(e => e.Line).ToHashSet();
        var accepted = valid.Where(v => !errorLines.Contains(v.Line)).ToList();
        var updated = accepted.Count(v => existing.ContainsKey(v.CreditCode));
        return new UnitImportPlan(accepted, errors.OrderBy(e => e.Line).ToList(), accepted.Count - updated, updated);
    }

    private static string Clip(string? s) => s is null ? "" : s.Length <= 20 ? s : s[..20] + "…";
}
