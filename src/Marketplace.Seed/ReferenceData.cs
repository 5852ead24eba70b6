using Marketplace.Data.Entities;
using Marketplace.Domain;

namespace Marketplace.Seed;

/// <summary>Administrative divisions and the poverty-relief county list, from the CSVs embedded from seed/.</summary>
public static class ReferenceData
{
    public static IReadOnlyList<Region> LoadRegions()
    {
        var poverty = ReadCsv("seed/poverty_relief_counties.csv")
            .Select(r => r[0]).Where(code => code.Length > 0).Select(ParseCode).ToHashSet();

        var regions = new List<Region>(3400);
        foreach (var row in ReadCsv("seed/divisions.csv"))
        {
            var code = ParseCode(row[0]);
            var level = row[2] switch
            {
                "province" => RegionLevel.Province,
                "city" => RegionLevel.City,
                "county" => RegionLevel.County,
                _ => throw new InvalidDataException($"divisions.csv: unknown level '{row[2]}' for {row[0]}."),
            };
            regions.Add(new Region
            {
                Id = code,
                Name = row[1],
                Level = level,
                ParentId = row[3].Length == 0 ? null : ParseCode(row[3]),
                ProvinceId = RegionCode.ProvinceOf(code),
                IsPovertyRelief = level == RegionLevel.County && poverty.Contains(code),
            });
        }

        // Match by code only; a code that is not a county in divisions.csv means the data files drifted apart.
        var counties = regions.Where(r => r.Level == RegionLevel.County).Select(r => r.Id).ToHashSet();
        var unknown = poverty.Where(c => !counties.Contains(c)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException("poverty_relief_counties.csv has codes that are not counties in divisions.csv: " + string.Join(", ", unknown));

        // Parents first, so that a plain ordered insert satisfies the foreign key.
        return regions.OrderBy(r => r.Level).ThenBy(r => r.Id).ToList();
    }

    private static int ParseCode(string text) =>
        text.Length == 6 && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code)
            ? code
            : throw new InvalidDataException($"'{text}' is not a six-digit division code.");

    /// <summary>The files are simple (no quoted fields, checked by the loader's tests), so a split is enough.</summary>
    private static IEnumerable<string[]> ReadCsv(string name)
    {
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{name} is empty.");
        var width = header.Split(',').Length;
        string? line;
        var lineNo = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != width || line.Contains('"'))
                throw new InvalidDataException($"{name} line {lineNo}: expected {width} plain fields.");
            yield return fields;
        }
    }
}
