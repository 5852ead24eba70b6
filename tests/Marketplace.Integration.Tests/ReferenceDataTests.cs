using Marketplace.Domain;
using Marketplace.Seed;

namespace Marketplace.Integration.Tests;

public class ReferenceDataTests
{
    private static readonly IReadOnlyList<Data.Entities.Region> Regions = ReferenceData.LoadRegions();

    [Fact]
    public void Loads_every_division_with_its_level()
    {
        Assert.Equal(3348, Regions.Count);
        Assert.Equal(31, Regions.Count(r => r.Level == RegionLevel.Province));
        Assert.Equal(342, Regions.Count(r => r.Level == RegionLevel.City));
        Assert.Equal(2975, Regions.Count(r => r.Level == RegionLevel.County));
    }

    [Fact]
    public void Flags_poverty_relief_counties_by_code()
    {
        // 832 rows, one without a code (冷湖行委, merged into 茫崖市 which is listed itself).
        Assert.Equal(831, Regions.Count(r => r.IsPovertyRelief));
        Assert.All(Regions.Where(r => r.IsPovertyRelief), r => Assert.Equal(RegionLevel.County, r.Level));
        var byId = Regions.ToDictionary(r => r.Id);
        Assert.True(byId[130631].IsPovertyRelief);   // 望都县
        Assert.True(byId[130881].IsPovertyRelief);   // listed as 平泉县, now 平泉市: matched by code
        Assert.True(byId[532601].IsPovertyRelief);   // 文山市, code corrected in the shared data
        Assert.False(byId[110101].IsPovertyRelief);  // 东城区
        Assert.False(byId[630104].IsPovertyRelief);  // 西宁市城西区, the wrong code in the original source
    }

    [Fact]
    public void Every_parent_exists_and_comes_before_its_children()
    {
        var seen = new HashSet<int>();
        foreach (var r in Regions)
        {
            if (r.ParentId is { } parent) Assert.Contains(parent, seen);
            Assert.Equal(RegionCode.ProvinceOf(r.Id), r.ProvinceId);
            seen.Add(r.Id);
        }
    }
}
