using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Marketplace.Domain;
using Marketplace.Domain.Credit;
using Marketplace.Search;
using Directory = System.IO.Directory;

namespace Marketplace.Integration.Tests;

/// <summary>
/// The embedded index answers from its own one-pass, array-based executor. These cases hold it to what Lucene itself
/// answers for the equivalent BooleanQuery (MUST all:t, SHOULD name:t^3 and category:t^1.5 per term, filters as
/// zero-boost constant-score clauses) sorted by TopFieldCollector: the same totals, the same order page after page,
/// and facet counts equal to a count over every matching document. Several segments, deletions and both the
/// single-threaded and the parallel path are exercised.
/// </summary>
public sealed class SearchEquivalenceTests : IDisposable
{
    private static readonly string[] Words = ["大米", "茶叶", "绿茶", "白茶", "红茶", "木耳", "蜂蜜", "高山", "野生", "小米", "香菇", "核桃", "土豆", "苦荞", "毛尖", "有机", "农家", "新鲜"];
    private static readonly int[] Counties = [520324, 520325, 520402, 530621, 530622, 620121, 620122, 130725];
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly RAMDirectory _directory = new();
    private readonly LuceneSearchIndex _index;
    private readonly List<ProductDocument> _docs = [];

    public SearchEquivalenceTests()
    {
        _index = new LuceneSearchIndex(_directory) { ParallelFromDocs = 0 };
        var random = new Random(832);
        string Phrase(int min, int max) => string.Concat(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Words[random.Next(Words.Length)]));
        for (var id = 1; id <= 3_000; id++)
        {
            var county = Counties[random.Next(Counties.Length)];
            var category = random.Next(1, 13);
            _docs.Add(new ProductDocument(id, Phrase(1, 3) + " 500g", Phrase(0, 6), "合作社" + random.Next(20), category, Words[category],
                RegionCode.ProvinceOf(county), "省", county, "县", (Certification)random.Next(16),
                random.Next(5) == 0 ? 5_000 : random.Next(100, 40_000), T0.AddDays(random.Next(30)), random.Next(6), null)
            {
                VendorGrade = (CreditGrade)random.Next(5),
            });
        }
    }

    private async Task LoadAsync()
    {
        // Six commits give six segments (the writer does not merge so few), then updates and deletes on top.
        foreach (var chunk in _docs.Chunk(500)) await _index.ApplyAsync(chunk, [], 1, CancellationToken.None);
        var changed = _docs.Where(d => d.Id % 7 == 0 && d.Id % 11 != 0).Select(d => d with { Name = d.Name + " 高山", PriceFen = d.PriceFen + 1 }).ToList();
        await _index.ApplyAsync(changed, _docs.Where(d => d.Id % 11 == 0).Select(d => d.Id).ToList(), 2, CancellationToken.None);
        foreach (var c in changed) _docs[c.Id - 1] = c;
        _docs.RemoveAll(d => d.Id % 11 == 0);
        await _index.FlushAsync(force: true, CancellationToken.None); // the reference reads the committed directory
    }

    public static TheoryData<string, int[], int[], int, string?, SearchSort, int[]> Cases()
    {
        var data = new TheoryData<string, int[], int[], int, string?, SearchSort, int[]>();
        foreach (var sort in Enum.GetValues<SearchSort>())
        {
            data.Add("茶", [], [], 0, null, sort, []);
            data.Add("", [], [], 0, null, sort, []);
            data.Add("高山 绿茶", [], [], 0, null, sort, []);
            data.Add("大米", [1, 2, 3], [520000], 0, null, sort, []);
            data.Add("茶", [], [], (int)Certification.Organic, "30-60", sort, []);
            data.Add("茶", [], [], 0, null, sort, [(int)CreditGrade.A, (int)CreditGrade.B]);
        }
        data.Add("野生木耳", [], [530000, 620000], (int)(Certification.Green | Certification.GeographicalIndication), null, SearchSort.Relevance, []);
        data.Add("蜂蜜", [], [], 0, "0-30", SearchSort.Relevance, [(int)CreditGrade.New]);
        data.Add("没有的词", [], [], 0, null, SearchSort.Relevance, []);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_as_lucenes_boolean_query_and_top_field_collector_do(
        string q, int[] categories, int[] provinces, int certs, string? price, SearchSort sort, int[] grades)
    {
        await LoadAsync();
        var request = new SearchRequest
        {
            Query = q, CategoryIds = categories, ProvinceIds = provinces, Certifications = (Certification)certs, PriceBand = price, Sort = sort, PageSize = 50,
            Grades = grades.Select(g => (CreditGrade)g).ToList(),
        };
        var (expectedIds, expectedTotal) = Reference(request);

        // Shallow pages, then the rest by cursor.
        var seen = new List<int>();
        SearchResult? result = null;
        for (var page = 1; page <= 3; page++)
        {
            result = await _index.SearchAsync(request with { Page = page }, CancellationToken.None);
            Assert.Equal(expectedTotal, result.Total);
            seen.AddRange(result.Hits.Select(h => h.Id));
        }
        while (result!.NextCursor is { } cursor)
        {
            result = await _index.SearchAsync(request with { After = cursor }, CancellationToken.None);
            seen.AddRange(result.Hits.Select(h => h.Id));
        }
        Assert.Equal(expectedIds, seen);

        // Facets: counted over every match, compared with a count over the matching documents themselves.
        var first = await _index.SearchAsync(request, CancellationToken.None);
        var matching = _docs.Where(d => expectedIds.Contains(d.Id)).ToList();
        Assert.Equal(matching.GroupBy(d => d.CategoryId).ToDictionary(g => g.Key.ToString(), g => (long)g.Count()),
            first.Facets["category"].ToDictionary(f => f.Key, f => f.Count));
        Assert.Equal(matching.GroupBy(d => d.ProvinceId).ToDictionary(g => g.Key.ToString(), g => (long)g.Count()),
            first.Facets["province"].ToDictionary(f => f.Key, f => f.Count));
        Assert.Equal(matching.GroupBy(d => d.CountyId).ToDictionary(g => g.Key.ToString(), g => (long)g.Count()),
            first.Facets["county"].ToDictionary(f => f.Key, f => f.Count));
        foreach (var flag in LuceneSearchIndex.CertificationFlags)
            Assert.Equal(matching.LongCount(d => d.Certifications.HasFlag(flag)), first.Facets["cert"].FirstOrDefault(f => f.Key == flag.ToString())?.Count ?? 0);
        Assert.Equal(matching.LongCount(d => d.PriceFen is >= 3_000 and < 6_000), first.Facets["price"].FirstOrDefault(f => f.Key == "30-60")?.Count ?? 0);
        Assert.Equal(matching.GroupBy(d => d.VendorGrade).ToDictionary(g => g.Key.ToString(), g => (long)g.Count()),
            first.Facets["grade"].ToDictionary(f => f.Key, f => f.Count));
        if (grades.Length > 0) Assert.All(matching, d => Assert.Contains((int)d.VendorGrade, grades));
    }

    [Fact]
    public async Task Better_grades_get_their_small_boost_and_the_credit_sort_puts_grade_before_sales()
    {
        await LoadAsync();
        // Two documents with the same text, one vendor graded A and one C: the A one ranks first, by exactly its factor.
        await _index.ApplyAsync(
        [
            new ProductDocument(90_001, "雪峰 野菊", "", "合作社", 1, "花茶", 520000, "省", 520324, "县", Certification.None, 1_000, T0, 1, null) { VendorGrade = CreditGrade.C },
            new ProductDocument(90_002, "雪峰 野菊", "", "合作社", 1, "花茶", 520000, "省", 520324, "县", Certification.None, 1_000, T0, 0, null) { VendorGrade = CreditGrade.A },
        ], [], 3, CancellationToken.None);
        var hits = (await _index.SearchAsync(new SearchRequest { Query = "雪峰 野菊" }, CancellationToken.None)).Hits;
        Assert.Equal([90_002, 90_001], hits.Select(h => h.Id));
        Assert.Equal(hits[1].Score * 1.10f, hits[0].Score, 4);
        var byCredit = (await _index.SearchAsync(new SearchRequest { Sort = SearchSort.Credit, PageSize = 100 }, CancellationToken.None)).Hits.Select(h => h.Id).ToList();
        var grades = byCredit.Select(id => id > 90_000 ? (id == 90_002 ? CreditGrade.A : CreditGrade.C) : _docs.Single(d => d.Id == id).VendorGrade).ToList();
        Assert.Equal(grades.OrderByDescending(g => g), grades);
    }

    [Fact]
    public async Task One_thread_and_several_threads_give_the_same_answer()
    {
        await LoadAsync();
        using var single = new LuceneSearchIndex(CopyOf(_directory)) { ParallelFromDocs = int.MaxValue };
        foreach (var q in new[] { "茶", "", "蜂蜜" })
        {
            var a = await _index.SearchAsync(new SearchRequest { Query = q, PageSize = 100, Page = 2 }, CancellationToken.None);
            var b = await single.SearchAsync(new SearchRequest { Query = q, PageSize = 100, Page = 2 }, CancellationToken.None);
            Assert.Equal(a.Hits.Select(h => h.Id), b.Hits.Select(h => h.Id));
            Assert.Equal(a.Total, b.Total);
            Assert.Equal(a.Facets["county"].Select(f => (f.Key, f.Count)), b.Facets["county"].Select(f => (f.Key, f.Count)));
        }
    }

    private static RAMDirectory CopyOf(RAMDirectory source)
    {
        var copy = new RAMDirectory();
        foreach (var file in source.ListAll()) source.Copy(copy, file, file, IOContext.DEFAULT);
        return copy;
    }

    /// <summary>What Lucene answers for the equivalent query: every match in order, and how many there are.</summary>
    private (List<int> Ids, long Total) Reference(SearchRequest r)
    {
        BooleanQuery.MaxClauseCount = Math.Max(BooleanQuery.MaxClauseCount, 10_000); // the id lists of the filters below
        using var reader = DirectoryReader.Open(_directory);
        var searcher = new IndexSearcher(reader);
        var query = LuceneReference.TermsQuery(ChineseAnalyzer.QueryTerms(r.Query));
        // Each active filter is one zero-boost constant-score clause, as the old query had (they count for coord). The
        // index keeps no filter fields of its own any more, so the clause lists the ids of the documents that pass.
        void Filter(bool active, Func<ProductDocument, bool> passes)
        {
            if (!active) return;
            var any = new BooleanQuery();
            foreach (var d in _docs.Where(passes)) any.Add(new TermQuery(new Term("id", d.Id.ToString())), Occur.SHOULD);
            query.Add(new ConstantScoreQuery(any) { Boost = 0 }, Occur.MUST);
        }
        Filter(r.CategoryIds.Count > 0, d => r.CategoryIds.Contains(d.CategoryId));
        Filter(r.ProvinceIds.Count > 0, d => r.ProvinceIds.Contains(d.ProvinceId));
        Filter(r.CountyIds.Count > 0, d => r.CountyIds.Contains(d.CountyId));
        Filter(r.Certifications != Certification.None, d => (d.Certifications & r.Certifications) != 0);
        var band = PriceBands.Find(r.PriceBand);
        Filter(band is not null, d => d.PriceFen >= band!.FromFen && d.PriceFen < band.ToFen);
        Filter(r.Grades.Count > 0, d => r.Grades.Contains(d.VendorGrade));
        var sort = LuceneReference.SortFor(r.Sort);
        var top = TopFieldCollector.Create(sort, Math.Max(1, reader.MaxDoc), null, true, r.Sort == SearchSort.Relevance, false, false);
        searcher.Search(query, LuceneReference.BoostedByGrade(top));
        var docs = top.GetTopDocs();
        var ids = MultiDocValues.GetBinaryValues(reader, PackedColumns.Field);
        var scratch = new Lucene.Net.Util.BytesRef();
        return (docs.ScoreDocs.Select(sd => (int)PackedColumns.Get(ids, sd.Doc, scratch, r => PackedColumns.Id(r))).ToList(), docs.TotalHits);
    }

    public void Dispose()
    {
        _index.Dispose();
    }
}

/// <summary>A full rebuild is written beside the live index and swapped in: searches answer throughout, never from an empty index.</summary>
public sealed class SearchRebuildTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mp-rebuild-").FullName;

    private static ProductDocument Doc(int id, string name) =>
        new(id, name, "", "合作社", 1, "大米", 520000, "贵州省", 520324, "正安县", Certification.None, 5_000, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0, null);

    [Fact]
    public async Task Searches_answer_from_the_old_index_until_the_new_one_is_complete_then_from_the_new_one()
    {
        using var index = new LuceneSearchIndex(_folder);
        await index.ApplyAsync(Enumerable.Range(1, 2_000).Select(i => Doc(i, "旧米 " + i)).ToList(), [], 10, CancellationToken.None);
        var before = index.GenerationName;

        using var stop = new CancellationTokenSource();
        var answers = 0;
        var searching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await index.SearchAsync(new SearchRequest { Query = "米" }, CancellationToken.None);
                Assert.True(r.Total is 2_000 or 3_000, $"search saw {r.Total} documents during the rebuild");
                Interlocked.Increment(ref answers);
            }
        });

        using (var build = await index.BeginRebuildAsync(CancellationToken.None))
        {
            foreach (var chunk in Enumerable.Range(1, 3_000).Chunk(250))
            {
                await build.AddAsync(chunk.Select(i => Doc(i, "新米 " + i)).ToList(), CancellationToken.None);
                Assert.Equal(2_000, (await index.SearchAsync(new SearchRequest { Query = "米" }, CancellationToken.None)).Total);
            }
            Assert.Equal(0, (await index.SearchAsync(new SearchRequest { Query = "新米" }, CancellationToken.None)).Total);
            await build.CompleteAsync(42, CancellationToken.None);
        }
        await Task.Delay(100);
        await stop.CancelAsync();
        await searching;

        Assert.True(answers > 0);
        Assert.Equal(3_000, (await index.SearchAsync(new SearchRequest { Query = "新米" }, CancellationToken.None)).Total);
        Assert.Equal(0, (await index.SearchAsync(new SearchRequest { Query = "旧米" }, CancellationToken.None)).Total);
        Assert.Equal(42, await index.GetFeedCursorAsync(CancellationToken.None));
        Assert.NotEqual(before, index.GenerationName);
        // The old generation is gone from disk; the new one is what a restart opens.
        Assert.Equal([index.GenerationName], Directory.GetDirectories(_folder).Select(Path.GetFileName));
        index.Dispose();
        using var reopened = new LuceneSearchIndex(_folder);
        Assert.Equal(3_000, (await reopened.SearchAsync(new SearchRequest { Query = "新米" }, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Applied_changes_are_searchable_at_once_and_durable_with_their_cursor_at_the_next_due_commit()
    {
        using (var index = new LuceneSearchIndex(_folder) { CommitInterval = TimeSpan.FromHours(1) })
        {
            await index.ApplyAsync([Doc(1, "旧米")], [], 5, CancellationToken.None);
            await index.FlushAsync(force: true, CancellationToken.None);
            await index.ApplyAsync([Doc(2, "新米")], [], 6, CancellationToken.None);
            // Searchable and counted by the cursor at once, though not yet committed (the interval has not passed).
            Assert.Equal(1, (await index.SearchAsync(new SearchRequest { Query = "新米" }, CancellationToken.None)).Total);
            Assert.Equal(6, await index.GetFeedCursorAsync(CancellationToken.None));
            using (var directory = Lucene.Net.Store.FSDirectory.Open(Path.Combine(_folder, index.GenerationName)))
            using (var committed = DirectoryReader.Open(directory))
            {
                Assert.Equal(1, committed.NumDocs);
                Assert.Equal("5", committed.IndexCommit.UserData[LuceneSearchIndex.CursorKey]);
            }
            // A round that finds nothing new commits nothing until the interval has passed; a forced flush commits.
            await index.FlushAsync(force: false, CancellationToken.None);
            using (var directory = Lucene.Net.Store.FSDirectory.Open(Path.Combine(_folder, index.GenerationName)))
            using (var committed = DirectoryReader.Open(directory))
                Assert.Equal(1, committed.NumDocs);
            await index.FlushAsync(force: true, CancellationToken.None);
            using (var directory = Lucene.Net.Store.FSDirectory.Open(Path.Combine(_folder, index.GenerationName)))
            using (var committed = DirectoryReader.Open(directory))
            {
                Assert.Equal(2, committed.NumDocs);
                Assert.Equal("6", committed.IndexCommit.UserData[LuceneSearchIndex.CursorKey]);
            }
        }
        using (var index = new LuceneSearchIndex(_folder) { CommitInterval = TimeSpan.Zero })
        {
            // With no interval every apply commits; closing commits what is left either way.
            await index.ApplyAsync([Doc(3, "糙米")], [], 7, CancellationToken.None);
            using var directory = Lucene.Net.Store.FSDirectory.Open(Path.Combine(_folder, index.GenerationName));
            using var committed = DirectoryReader.Open(directory);
            Assert.Equal(3, committed.NumDocs);
        }
        using (var index = new LuceneSearchIndex(_folder) { CommitInterval = TimeSpan.FromHours(1) })
            await index.ApplyAsync([Doc(4, "香米")], [], 8, CancellationToken.None); // closed before its commit was due
        using var reopened = new LuceneSearchIndex(_folder);
        Assert.Equal(8, await reopened.GetFeedCursorAsync(CancellationToken.None));
        Assert.Equal(4, await reopened.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task After_a_rebuild_the_live_index_merges_its_small_segments_again()
    {
        using var index = new LuceneSearchIndex(_folder);
        using (var build = await index.BeginRebuildAsync(CancellationToken.None))
        {
            await build.AddAsync(Enumerable.Range(1, 500).Select(i => Doc(i, "米 " + i)).ToList(), CancellationToken.None);
            await build.CompleteAsync(1, CancellationToken.None);
        }
        for (var i = 0; i < 40; i++) await index.ApplyAsync([Doc(1_000 + i, "新米")], [], 2 + i, CancellationToken.None);
        await index.FlushAsync(force: true, CancellationToken.None);
        using var directory = Lucene.Net.Store.FSDirectory.Open(Path.Combine(_folder, index.GenerationName));
        using var reader = DirectoryReader.Open(directory);
        Assert.True(reader.Leaves.Count < 20, $"{reader.Leaves.Count} segments: the rebuild's no-merge setting outlived it");
        Assert.Equal(540, (await index.SearchAsync(new SearchRequest { Query = "米" }, CancellationToken.None)).Total);
    }

    [Fact]
    public void Abandoned_generation_folders_are_deleted_but_not_the_live_one_a_recent_one_or_one_a_writer_holds()
    {
        Lucene.Net.Store.FSDirectory Generation(string name, bool close = true)
        {
            var directory = Lucene.Net.Store.FSDirectory.Open(Path.Combine(_folder, name));
            var writer = new IndexWriter(directory, new IndexWriterConfig(ChineseAnalyzer.Version, new ChineseAnalyzer(outputUnigrams: true)));
            writer.Commit();
            if (close) writer.Dispose();
            else _open.Add(writer);
            return directory;
        }
        var now = new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);
        const string killed = "g-20261129100000000-aaaaaa", held = "g-20261129100000000-bbbbbb", live = "g-20261129090000000-dddddd";
        var recent = $"g-{now.AddMinutes(-2):yyyyMMddHHmmssfff}-cccccc";
        foreach (var name in new[] { killed, recent, live }) Generation(name).Dispose();
        using var busy = Generation(held, close: false); // a rebuild in progress, or another process's live generation
        Directory.CreateDirectory(Path.Combine(_folder, "not-a-generation"));

        Assert.Equal([killed], LuceneSearchIndex.DeleteStaleGenerations(_folder, live, now));
        Assert.Equal(["g-20261129090000000-dddddd", "g-20261129100000000-bbbbbb", recent, "not-a-generation"],
            Directory.GetDirectories(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Once its writer is gone, the held one goes too.
        _open.ForEach(w => w.Dispose());
        Assert.Equal([held], LuceneSearchIndex.DeleteStaleGenerations(_folder, live, now));
    }

    private readonly List<IndexWriter> _open = [];

    [Fact]
    public async Task An_abandoned_rebuild_leaves_the_live_index_as_it_was()
    {
        using var index = new LuceneSearchIndex(_folder);
        await index.ApplyAsync([Doc(1, "旧米")], [], 5, CancellationToken.None);
        using (var build = await index.BeginRebuildAsync(CancellationToken.None))
            await build.AddAsync([Doc(2, "新米")], CancellationToken.None);
        Assert.Equal(1, (await index.SearchAsync(new SearchRequest { Query = "旧米" }, CancellationToken.None)).Total);
        Assert.Equal(5, await index.GetFeedCursorAsync(CancellationToken.None));
        Assert.Empty(Directory.GetDirectories(_folder));
    }

    [Fact]
    public async Task A_rebuild_by_another_process_beside_a_running_index_is_followed()
    {
        using var running = new LuceneSearchIndex(_folder);
        await running.ApplyAsync([Doc(1, "旧米")], [], 5, CancellationToken.None);
        Assert.False(await running.FollowSwapsAsync(CancellationToken.None));

        // The reindex tool builds a generation in the folder the app holds open, and names it current.
        using (var build = LuceneSearchIndex.BeginBuildBeside(_folder))
        {
            await build.AddAsync([Doc(1, "新米"), Doc(2, "新米")], CancellationToken.None);
            await build.CompleteAsync(9, CancellationToken.None);
        }
        Assert.Equal(1, (await running.SearchAsync(new SearchRequest { Query = "旧米" }, CancellationToken.None)).Total);
        Assert.True(await running.FollowSwapsAsync(CancellationToken.None));
        Assert.Equal(2, (await running.SearchAsync(new SearchRequest { Query = "新米" }, CancellationToken.None)).Total);
        Assert.Equal(9, await running.GetFeedCursorAsync(CancellationToken.None));
        await running.ApplyAsync([Doc(3, "新米")], [], 10, CancellationToken.None);
        Assert.Equal(3, (await running.SearchAsync(new SearchRequest { Query = "新米" }, CancellationToken.None)).Total);
    }

    public void Dispose()
    {
        _open.ForEach(w => w.Dispose());
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }
}

/// <summary>An index written by an earlier version (another document layout) is recognised, and a rebuild makes it current.</summary>
public sealed class SearchIndexFormatTests
{
    [Fact]
    public async Task An_index_committed_without_this_versions_format_is_stale_until_rebuilt()
    {
        var directory = new RAMDirectory();
        // As the previous version committed: documents and the feed cursor, no format.
        using (var old = new IndexWriter(directory, new IndexWriterConfig(ChineseAnalyzer.Version, new ChineseAnalyzer(outputUnigrams: true))))
        {
            old.AddDocument(LuceneSearchIndex.ToLucene(new ProductDocument(1, "大米", "", "合作社", 1, "大米", 520000, "贵州省", 520324, "正安县",
                Certification.None, 5_000, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0, null)));
            old.SetCommitData(new Dictionary<string, string> { [LuceneSearchIndex.CursorKey] = "5" });
            old.Commit();
        }
        using var index = new LuceneSearchIndex(directory);
        Assert.False(await index.HasCurrentFormatAsync(CancellationToken.None));
        Assert.Equal(5, await index.GetFeedCursorAsync(CancellationToken.None));

        using (var build = await index.BeginRebuildAsync(CancellationToken.None))
        {
            await build.AddAsync([new ProductDocument(1, "大米", "", "合作社", 1, "大米", 520000, "贵州省", 520324, "正安县",
                Certification.None, 5_000, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0, null)], CancellationToken.None);
            await build.CompleteAsync(7, CancellationToken.None);
        }
        Assert.True(await index.HasCurrentFormatAsync(CancellationToken.None));
        Assert.Equal(1, (await index.SearchAsync(new SearchRequest { Query = "大米" }, CancellationToken.None)).Total);
        // A fresh, empty index is current too (the worker builds it anyway).
        using var fresh = new LuceneSearchIndex(new RAMDirectory());
        Assert.True(await fresh.HasCurrentFormatAsync(CancellationToken.None));
    }
}
