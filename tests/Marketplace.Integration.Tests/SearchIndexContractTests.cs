using Marketplace.Domain;
using Marketplace.Search;
using Marketplace.Seed;

namespace Marketplace.Integration.Tests;

/// <summary>
/// What every search adapter must do. Lucene runs it for real on a disk index; an Elasticsearch subclass can run the
/// same cases against a live cluster.
/// </summary>
public abstract class SearchIndexContract : IAsyncLifetime
{
    private ISearchIndex? _index;

    /// <summary>The index under test; a case is skipped when the adapter's backend is not reachable here.</summary>
    protected ISearchIndex Index
    {
        get { Skip.IfNot(Available, "The backend for this adapter is not configured here."); return _index!; }
        set => _index = value;
    }

    protected virtual bool Available => true;
    protected abstract Task<ISearchIndex> CreateIndexAsync();
    protected virtual Task DisposeIndexAsync() => Task.CompletedTask;

    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static ProductDocument Doc(int id, string name, int category = 1, long price = 5_000, int province = 520000, int county = 520324,
        Certification certs = Certification.None, int days = 0, int sales = 0, string vendor = "正安绿源农业有限公司", string description = "") =>
        new(id, name, description, vendor, category, category switch { 1 => "大米", 8 => "茶叶", 9 => "菌菇", _ => "其他" },
            province, province == 520000 ? "贵州省" : "云南省", county, county == 520324 ? "正安县" : "其他县", certs, price, T0.AddDays(days), sales, null);

    private static readonly ProductDocument[] Fixed =
    [
        Doc(1, "五常稻花香大米 5kg/袋", category: 1, price: 6_990, days: 1, sales: 50),
        Doc(2, "东北大米 5KG/袋", category: 1, price: 4_990, days: 2, sales: 500, certs: Certification.Green),
        Doc(3, "正安白茶 250g/盒", category: 8, price: 12_800, days: 3, sales: 20, certs: Certification.Organic | Certification.Green),
        Doc(4, "都匀毛尖 100g/盒", category: 8, price: 25_800, days: 4, sales: 10, province: 530000, county: 530621),
        Doc(5, "野生黑木耳 500g/袋", category: 9, price: 3_900, days: 5, sales: 300),
        Doc(6, "苦荞茶 500g/罐", category: 8, price: 2_900, days: 6, sales: 0, certs: Certification.GeographicalIndication),
        Doc(7, "高山云耳 250g/袋", category: 9, price: 4_500, days: 7, sales: 40, description: "又名木耳，肉厚脆嫩"),
    ];

    public async Task InitializeAsync()
    {
        if (!Available) return;
        _index = await CreateIndexAsync();
        await _index.ApplyAsync(Fixed, [], 7, CancellationToken.None);
    }

    public Task DisposeAsync() => Available ? DisposeIndexAsync() : Task.CompletedTask;

    private async Task<int[]> Ids(SearchRequest r) => (await Index.SearchAsync(r, CancellationToken.None)).Hits.Select(h => h.Id).ToArray();

    [SkippableTheory]
    [InlineData("茶", new[] { 3, 4, 6 })]         // one character
    [InlineData("大米", new[] { 1, 2 })]          // two characters
    [InlineData("木耳", new[] { 5, 7 })]          // also found in the description
    [InlineData("东北大米", new[] { 2 })]          // all bigrams must match
    [InlineData("5kg", new[] { 1, 2 })]           // case folded
    [InlineData("５ＫＧ 大米", new[] { 1, 2 })]    // full-width folded
    [InlineData("贵州 白茶", new[] { 3 })]         // region and name together
    [InlineData("绿源", new[] { 1, 2, 3, 4, 5, 6, 7 })] // the vendor's name
    public async Task Chinese_queries_match_by_characters_and_bigrams(string query, int[] expected)
    {
        var ids = await Ids(new SearchRequest { Query = query });
        Assert.Equal(expected.Order(), ids.Order());
    }

    [SkippableFact]
    public async Task Name_matches_rank_above_description_matches()
    {
        var ids = await Ids(new SearchRequest { Query = "木耳" });
        Assert.Equal(5, ids[0]);
    }

    [SkippableTheory]
    [InlineData("AND (((")]
    [InlineData("name:茶 OR *")]
    [InlineData("\u0000\u0001\u0007")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Query_syntax_and_control_characters_are_just_text(string query)
    {
        var result = await Index.SearchAsync(new SearchRequest { Query = query }, CancellationToken.None);
        Assert.True(result.Total >= 0);
    }

    [SkippableFact]
    public async Task A_ten_thousand_character_query_is_answered()
    {
        var result = await Index.SearchAsync(new SearchRequest { Query = string.Concat(Enumerable.Repeat("大米茶叶", 2_500)) }, CancellationToken.None);
        Assert.True(result.Terms.Count <= 16);
    }

    [SkippableFact]
    public async Task Filters_combine_or_within_a_facet_and_and_across_facets()
    {
        Assert.Equal([3, 4, 5, 6, 7], (await Ids(new SearchRequest { CategoryIds = [8, 9] })).Order());
        Assert.Equal([3, 5, 6, 7], (await Ids(new SearchRequest { CategoryIds = [8, 9], ProvinceIds = [520000] })).Order());
        Assert.Equal([2, 3], (await Ids(new SearchRequest { Certifications = Certification.Green })).Order());
        Assert.Equal([2, 5, 7], (await Ids(new SearchRequest { PriceBand = "30-60" })).Order());
        Assert.Equal(new[] { 6 }, await Ids(new SearchRequest { Query = "茶", CountyIds = [530621, 520324], PriceBand = "0-30" }));
        Assert.Equal(new[] { 4 }, await Ids(new SearchRequest { Query = "茶", PriceBand = "200-" }));
    }

    [SkippableFact]
    public async Task Facets_are_counted_over_the_matching_set()
    {
        var result = await Index.SearchAsync(new SearchRequest { Query = "茶" }, CancellationToken.None);
        Assert.Equal(3, result.Total);
        Assert.Equal([("8", 3L)], result.Facets["category"].Select(f => (f.Key, f.Count)));
        Assert.Equal([("520000", 2L), ("530000", 1L)], result.Facets["province"].Select(f => (f.Key, f.Count)));
        Assert.Contains(result.Facets["cert"], f => f.Key == "Organic" && f.Count == 1);
        Assert.Contains(result.Facets["price"], f => f.Key == "200-" && f.Count == 1);
    }

    [SkippableTheory]
    [InlineData(SearchSort.PriceAsc, new[] { 6, 5, 7, 2, 1, 3, 4 })]
    [InlineData(SearchSort.PriceDesc, new[] { 4, 3, 1, 2, 7, 5, 6 })]
    [InlineData(SearchSort.Newest, new[] { 7, 6, 5, 4, 3, 2, 1 })]
    [InlineData(SearchSort.Sales, new[] { 2, 5, 1, 7, 3, 4, 6 })]
    public async Task Sorts_by_price_time_and_sales(SearchSort sort, int[] expected) =>
        Assert.Equal(expected, await Ids(new SearchRequest { Sort = sort }));

    [SkippableFact]
    public async Task Updates_replace_and_deletes_remove_and_the_cursor_only_moves_forward()
    {
        await Index.ApplyAsync([Doc(2, "东北长粒香米 5kg/袋", price: 5_990)], [5], 9, CancellationToken.None);
        Assert.Empty(await Ids(new SearchRequest { Query = "东北大米" }));
        Assert.Equal(new[] { 2 }, await Ids(new SearchRequest { Query = "长粒香" }));
        Assert.Equal(new[] { 7 }, await Ids(new SearchRequest { Query = "木耳" }));
        Assert.Equal(9, await Index.GetFeedCursorAsync(CancellationToken.None));
        await Index.ApplyAsync([], [], 8, CancellationToken.None); // a replayed, older batch
        Assert.Equal(9, await Index.GetFeedCursorAsync(CancellationToken.None));
        Assert.Equal(6, await Index.CountAsync(CancellationToken.None));
    }

    [SkippableTheory]
    [InlineData(SearchSort.Relevance)]
    [InlineData(SearchSort.PriceAsc)]
    [InlineData(SearchSort.Sales)]
    public async Task Deep_paging_by_cursor_visits_every_match_once_in_order(SearchSort sort)
    {
        // 5,000 generated products, paged 37 at a time by cursor, compared with the shallow order of the same query.
        var regions = ReferenceData.LoadRegions();
        var data = new DemoDataGenerator(regions, new DemoDataOptions { Products = 5_000 }).Generate();
        var names = regions.ToDictionary(r => r.Id, r => r.Name);
        var vendors = data.Vendors.ToDictionary(v => v.Id);
        var docs = data.Products.Where(p => p.Status == ProductStatus.Listed).Select(p => new ProductDocument(
            1000 + p.Id, p.Name, p.Description, vendors[p.VendorId].Name, p.CategoryId, CategoryCatalog.All[p.CategoryId - 1].Name,
            RegionCode.ProvinceOf(p.OriginCountyId), names[RegionCode.ProvinceOf(p.OriginCountyId)], p.OriginCountyId, names[p.OriginCountyId],
            p.Certifications, p.PriceFen, p.ListedAt!.Value, p.SalesCount, null)).ToList();
        await Index.ApplyAsync(docs, [], 100, CancellationToken.None);

        var request = new SearchRequest { Query = "米", Sort = sort, PageSize = 37 };
        var expectedTotal = docs.Count(d => d.Name.Contains('米') || d.Description.Contains('米') || d.VendorName.Contains('米') || d.CategoryName.Contains('米'))
                            + Fixed.Count(f => f.Name.Contains('米'));
        var seen = new List<int>();
        string? cursor = null;
        SearchResult page;
        do
        {
            page = await Index.SearchAsync(request with { After = cursor }, CancellationToken.None);
            seen.AddRange(page.Hits.Select(h => h.Id));
            cursor = page.NextCursor;
        } while (cursor is not null && seen.Count < 20_000);

        Assert.Equal(expectedTotal, page.Total);
        Assert.Equal(expectedTotal, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var shallow = await Index.SearchAsync(request with { PageSize = 100, Page = 3 }, CancellationToken.None);
        Assert.Equal(seen.Skip(200).Take(100), shallow.Hits.Select(h => h.Id));

        // Facet counts agree with counting the matches by hand.
        var rice = docs.Count(d => d.CategoryId == 1 && (d.Name.Contains('米') || d.Description.Contains('米') || d.VendorName.Contains('米') || d.CategoryName.Contains('米')))
                   + Fixed.Count(f => f.CategoryId == 1 && f.Name.Contains('米'));
        Assert.Equal(rice, page.Facets["category"].Single(f => f.Key == "1").Count);
    }

    [SkippableFact]
    public async Task A_cursor_from_another_sort_is_ignored()
    {
        var first = await Index.SearchAsync(new SearchRequest { Sort = SearchSort.PriceAsc, PageSize = 2 }, CancellationToken.None);
        var other = await Index.SearchAsync(new SearchRequest { Sort = SearchSort.Sales, PageSize = 2, After = first.NextCursor }, CancellationToken.None);
        Assert.Equal([2, 5], other.Hits.Select(h => h.Id));
        var garbage = await Index.SearchAsync(new SearchRequest { PageSize = 2, After = "!!not-a-cursor!!" }, CancellationToken.None);
        Assert.Equal(2, garbage.Hits.Count);
    }
}

public sealed class LuceneSearchIndexTests : SearchIndexContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mp-lucene-").FullName;

    protected override Task<ISearchIndex> CreateIndexAsync() => Task.FromResult<ISearchIndex>(new LuceneSearchIndex(_folder));

    [Fact]
    public async Task The_cursor_and_documents_survive_reopening_the_index()
    {
        ((IDisposable)Index).Dispose();
        using var reopened = new LuceneSearchIndex(_folder);
        Assert.Equal(7, await reopened.GetFeedCursorAsync(CancellationToken.None));
        Assert.Equal(7, await reopened.CountAsync(CancellationToken.None));
        Index = reopened;
        Assert.Equal([1, 2], (await reopened.SearchAsync(new SearchRequest { Query = "大米" }, CancellationToken.None)).Hits.Select(h => h.Id).Order());
        Index = new LuceneSearchIndex(Directory.CreateTempSubdirectory("mp-lucene-").FullName); // so Dispose has something open
    }

    public void Dispose()
    {
        (Index as IDisposable)?.Dispose();
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }
}
