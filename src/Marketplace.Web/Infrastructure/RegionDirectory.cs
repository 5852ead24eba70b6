using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The administrative divisions, read once per process: they are reference data that changes only with a new
/// release of the division list, and every page that shows a place needs them.
/// </summary>
public sealed class RegionDirectory(IServiceScopeFactory scopes)
{
    public sealed record Entry(int Id, string Name, RegionLevel Level, int? ParentId, bool IsPovertyRelief);

    private readonly Lazy<IReadOnlyDictionary<int, Entry>> _entries = new(() =>
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        return db.Regions.AsNoTracking()
            .Select(r => new Entry(r.Id, r.Name, r.Level, r.ParentId, r.IsPovertyRelief))
            .ToDictionary(e => e.Id);
    });

    public Entry? Find(int id) => _entries.Value.GetValueOrDefault(id);

    /// <summary>Poverty-relief county codes, ordered by code (province, then city).</summary>
    public IReadOnlyList<int> PovertyReliefCounties() => _entries.Value.Values.Where(e => e.IsPovertyRelief).Select(e => e.Id).Order().ToList();

    public bool IsPovertyReliefCounty(int id) => Find(id) is { IsPovertyRelief: true };

    public string NameOf(int id) => Find(id)?.Name ?? RegionCode.Format(id);

    /// <summary>"贵州省 · 黔南布依族苗族自治州 · 都匀市"; placeholder levels such as 市辖区 are left out.</summary>
    public string PathOf(int id)
    {
        var names = new List<string>(3);
        for (var e = Find(id); e is not null; e = e.ParentId is { } p ? Find(p) : null)
            if (e.Name is not ("市辖区" or "县" or "省直辖县级行政区划" or "自治区直辖县级行政区划")) names.Add(e.Name);
        names.Reverse();
        return string.Join(" · ", names);
    }
}
