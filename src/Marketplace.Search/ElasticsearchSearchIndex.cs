using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Marketplace.Domain;
using Marketplace.Domain.Credit;

namespace Marketplace.Search;

/// <summary>How to reach the cluster (<c>Search:Elasticsearch:*</c>).</summary>
public sealed record ElasticsearchOptions
{
    /// <summary>One or more node URLs; with several, the client's node pool fails over between them.</summary>
    public IReadOnlyList<Uri> Nodes { get; init; } = [];
    /// <summary>The alias searches and writes go through; each rebuild creates <c>{Alias}-{timestamp}</c> behind it.</summary>
    public string Alias { get; init; } = "products";
    public string? ApiKey { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    /// <summary>SHA-256 fingerprint of the cluster's CA certificate (HTTPS with a self-signed CA).</summary>
    public string? CertificateFingerprint { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ElasticsearchClient CreateClient()
    {
        if (Nodes.Count == 0) throw new InvalidOperationException("Search:Elasticsearch:Nodes needs at least one URL.");
        NodePool pool = Nodes.Count == 1 ? new SingleNodePool(Nodes[0]) : new StaticNodePool(Nodes);
        // Documents as UTF-8 Chinese (a third of the bytes of \\uXXXX escapes, and readable in the cluster's logs).
        var settings = new ElasticsearchClientSettings(pool, (_, s) => new Elastic.Clients.Elasticsearch.Serialization.DefaultSourceSerializer(s,
                o => o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping))
            .RequestTimeout(RequestTimeout).DefaultIndex(Alias);
        if (!string.IsNullOrWhiteSpace(ApiKey)) settings = settings.Authentication(new ApiKey(ApiKey));
        else if (!string.IsNullOrWhiteSpace(Username)) settings = settings.Authentication(new BasicAuthentication(Username, Password ?? ""));
        if (!string.IsNullOrWhiteSpace(CertificateFingerprint)) settings = settings.CertificateFingerprint(CertificateFingerprint);
        return new ElasticsearchClient(settings);
    }
}

/// <summary>A product as the cluster stores it (snake_case fields, as the mapping names them).</summary>
public sealed class EsProduct
{
    [JsonPropertyName("id")] public int Id { get; init; }
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("vendor")] public string Vendor { get; init; } = "";
    [JsonPropertyName("category")] public string Category { get; init; } = "";
    [JsonPropertyName("region")] public string Region { get; init; } = "";
    [JsonPropertyName("cert")] public string Cert { get; init; } = "";
    [JsonPropertyName("category_id")] public int CategoryId { get; init; }
    [JsonPropertyName("province_id")] public int ProvinceId { get; init; }
    [JsonPropertyName("county_id")] public int CountyId { get; init; }
    [JsonPropertyName("certs")] public string[] Certs { get; init; } = [];
    [JsonPropertyName("price_fen")] public long PriceFen { get; init; }
    [JsonPropertyName("listed_at")] public DateTime ListedAt { get; init; }
    [JsonPropertyName("sales")] public int Sales { get; init; }
    [JsonPropertyName("grade")] public string Grade { get; init; } = "";
    [JsonPropertyName("credit_rank")] public long CreditRank { get; init; }
    [JsonPropertyName("cover")] public string? Cover { get; init; }
}

/// <summary>The change-feed position the index reflects, kept in a small meta index.</summary>
public sealed class EsFeedCursor
{
    [JsonPropertyName("cursor")] public long Cursor { get; init; }
    /// <summary>The adapter's document format when the cursor was written (see <see cref="ElasticsearchSearchIndex.CurrentFormat"/>).</summary>
    [JsonPropertyName("format")] public string? Format { get; init; }
}

/// <summary>
/// Elasticsearch through its official client (Elastic.Clients.Elasticsearch): a typed mapping with the built-in
/// <c>cjk</c> analyzer and a <c>.uni</c> sub-field that keeps single characters (so the same queries match as in the
/// embedded index), feed batches through <c>_bulk</c> with per-item retry of 429s, rebuilds through the client's bulk
/// helper into a new index that the alias is swapped to atomically, deep pages by <c>search_after</c> inside a
/// point in time, and the same facets as the embedded index by aggregations. The feed cursor is written only after the
/// documents it covers were accepted.
/// </summary>
public sealed class ElasticsearchSearchIndex(ElasticsearchClient client, string alias = "products") : ISearchIndex
{
    private ElasticsearchClient Client => client;
    private string Alias => alias;
    public const int MaxBulkAttempts = 4;
    /// <summary>The mapping and documents this version writes; an index written by another is rebuilt behind the alias.</summary>
    public const string CurrentFormat = "2"; // 2: official client, grade and credit_rank
    private string MetaIndex => alias + "-meta";
    private const string CursorId = "feed";
    private static readonly string PitKeepAlive = "2m";

    private static readonly (string Field, float Boost)[] TextFields =
        [("name", 4f), ("category", 2f), ("vendor", 1.5f), ("region", 1.5f), ("cert", 1f), ("description", 0.5f)];

    /// <summary>The index definition: strict typed mapping, the cjk analyzer, keyword and numeric fields for filters and sorts.</summary>
    public static CreateIndexRequest IndexDefinition(string index)
    {
        TextProperty Text() => new() { Analyzer = "cjk", Fields = new Properties { { "uni", new TextProperty { Analyzer = "cjk_unigrams" } } } };
        var properties = new Properties
        {
            { "id", new IntegerNumberProperty() },
            { "category_id", new IntegerNumberProperty() },
            { "province_id", new IntegerNumberProperty() },
            { "county_id", new IntegerNumberProperty() },
            { "certs", new KeywordProperty() },
            { "price_fen", new LongNumberProperty() },
            { "listed_at", new DateProperty() },
            { "sales", new IntegerNumberProperty() },
            { "grade", new KeywordProperty() },
            { "credit_rank", new LongNumberProperty() },
            { "cover", new KeywordProperty { Index = false } },
        };
        foreach (var (field, _) in TextFields) properties.Add(field, Text());
        return new CreateIndexRequest(index)
        {
            Settings = new IndexSettings
            {
                Analysis = new IndexSettingsAnalysis
                {
                    TokenFilters = new TokenFilters { { "cjk_bigram_unigrams", new CjkBigramTokenFilter { OutputUnigrams = true } } },
                    Analyzers = new Analyzers
                    {
                        { "cjk_unigrams", new CustomAnalyzer { Tokenizer = "standard", Filter = ["cjk_width", "lowercase", "cjk_bigram_unigrams"] } },
                    },
                },
            },
            Mappings = new TypeMapping { Dynamic = DynamicMapping.Strict, Properties = properties },
        };
    }

    public static EsProduct ToSource(ProductDocument d) => new()
    {
        Id = d.Id, Name = d.Name, Description = d.Description, Vendor = d.VendorName, Category = d.CategoryName,
        Region = d.ProvinceName + " " + d.CountyName,
        Cert = string.Join(' ', LuceneSearchIndex.CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(LuceneSearchIndex.CertificationLabel)),
        CategoryId = d.CategoryId, ProvinceId = d.ProvinceId, CountyId = d.CountyId,
        Certs = LuceneSearchIndex.CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(c => c.ToString()).ToArray(),
        PriceFen = d.PriceFen, ListedAt = d.ListedAt, Sales = d.SalesCount, Grade = d.VendorGrade.ToString(),
        CreditRank = FacetKeys.CreditKey(d.VendorGrade, d.SalesCount), Cover = d.CoverPhotoKey,
    };

    /// <summary>Creates a first index behind the alias (and the meta index) when the alias does not exist yet.</summary>
    public async Task EnsureIndexAsync(CancellationToken ct)
    {
        var exists = await client.Indices.ExistsAliasAsync(new Names([alias]), ct);
        if (exists.Exists) return;
        var index = NewIndexName();
        var definition = IndexDefinition(index);
        definition.Aliases = new Dictionary<Name, Alias> { [alias] = new Alias { IsWriteIndex = true } };
        var created = await client.Indices.CreateAsync(definition, ct);
        if (!created.IsValidResponse && !(created.ElasticsearchServerError?.Error?.Type ?? "").Contains("already_exists", StringComparison.Ordinal))
            throw Failure("Creating index " + index, created);
    }

    private string NewIndexName() => $"{alias}-{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    private static InvalidOperationException Failure(string what, ElasticsearchResponse response) =>
        new($"{what} failed: {response.ElasticsearchServerError?.Error?.Type} {response.ElasticsearchServerError?.Error?.Reason} {string.Join(" ", (response.DebugInformation ?? "").Split('\n').Take(6))}");

    /// <summary>
    /// Sends the batch through <c>_bulk</c>; items refused with 429 or 5xx are sent again alone with back-off, deletes of
    /// missing documents count as done, and anything else fails the batch (the cursor is then not advanced, so the feed
    /// retries it).
    /// </summary>
    public async Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct)
    {
        var pendingUpserts = upserts.ToList();
        var pendingDeletes = deletes.ToList();
        for (var attempt = 1; pendingUpserts.Count + pendingDeletes.Count > 0; attempt++)
        {
            var operations = new BulkOperationsCollection();
            foreach (var id in pendingDeletes) operations.Add(new BulkDeleteOperation(id.ToString(CultureInfo.InvariantCulture)));
            foreach (var d in pendingUpserts) operations.Add(new BulkIndexOperation<EsProduct>(ToSource(d)) { Id = d.Id.ToString(CultureInfo.InvariantCulture) });
            var response = await client.BulkAsync(new BulkRequest(alias) { Operations = operations }, ct);
            if (!response.IsValidResponse && response.Items is null or { Count: 0 })
            {
                var status = response.ApiCallDetails.HttpStatusCode ?? 0;
                if (attempt < MaxBulkAttempts && status is 0 or 429 or >= 500) { await Backoff(attempt, ct); continue; }
                throw Failure("Bulk request", response);
            }
            var retry = new HashSet<int>();
            var failures = new List<string>();
            foreach (var item in response.Items)
            {
                if (item.Status is >= 200 and < 300) continue;
                if (item.Operation == "delete" && item.Status == 404) continue;
                var id = int.Parse(item.Id!, CultureInfo.InvariantCulture);
                if (item.Status is 429 or >= 500) retry.Add(id);
                else failures.Add($"{item.Operation} {id}: {item.Status} {item.Error?.Type} {item.Error?.Reason}");
            }
            if (failures.Count > 0) throw new InvalidOperationException("Bulk items failed: " + string.Join("; ", failures));
            if (retry.Count == 0) break;
            if (attempt >= MaxBulkAttempts) throw new InvalidOperationException($"Bulk items still rejected after {attempt} attempts: {string.Join(", ", retry)}");
            pendingUpserts = pendingUpserts.Where(d => retry.Contains(d.Id)).ToList();
            pendingDeletes = pendingDeletes.Where(retry.Contains).ToList();
            await Backoff(attempt, ct);
        }
        if (feedCursor > await GetFeedCursorAsync(ct)) await WriteCursorAsync(feedCursor, ct);
    }

    private async Task WriteCursorAsync(long cursor, CancellationToken ct)
    {
        var put = await client.IndexAsync(new EsFeedCursor { Cursor = cursor, Format = CurrentFormat }, i => i.Index(MetaIndex).Id(CursorId).Refresh(Refresh.True), ct);
        if (!put.IsValidResponse) throw Failure("Writing the feed cursor", put);
    }

    private static Task Backoff(int attempt, CancellationToken ct) => Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt)), ct);

    public async Task<long> GetFeedCursorAsync(CancellationToken ct) => (await ReadCursorAsync(ct))?.Cursor ?? 0;

    private async Task<EsFeedCursor?> ReadCursorAsync(CancellationToken ct)
    {
        var response = await client.GetAsync<EsFeedCursor>(MetaIndex, CursorId, ct);
        if (response.ApiCallDetails.HttpStatusCode == 404 || !response.Found) return null;
        if (!response.IsValidResponse) throw Failure("Reading the feed cursor", response);
        return response.Source;
    }

    /// <summary>Current when the cursor was written by this format, or nothing was written yet (an empty index).</summary>
    public async Task<bool> HasCurrentFormatAsync(CancellationToken ct) =>
        await ReadCursorAsync(ct) is not { } written || written.Format == CurrentFormat;

    /// <summary>A rebuild into a new index behind the alias: searches keep answering from the old one until the swap.</summary>
    public async Task<IIndexBuild> BeginRebuildAsync(CancellationToken ct)
    {
        var index = NewIndexName();
        var created = await client.Indices.CreateAsync(IndexDefinition(index), ct);
        if (!created.IsValidResponse) throw Failure("Creating index " + index, created);
        return new AliasSwapBuild(this, index);
    }

    /// <summary>Fills a new index with the client's bulk helper (retrying 429s), then moves the alias to it in one step.</summary>
    private sealed class AliasSwapBuild(ElasticsearchSearchIndex owner, string index) : IIndexBuild
    {
        private bool _completed;

        public Task AddAsync(IReadOnlyCollection<ProductDocument> documents, CancellationToken ct) => Task.Run(() =>
        {
            var failed = new List<string>();
            var observable = owner.Client.BulkAll(documents.Select(ToSource), b => b
                .Index(index).Size(1_000).MaxDegreeOfParallelism(1).BackOffRetries(MaxBulkAttempts).BackOffTime(TimeSpan.FromMilliseconds(200))
                .ContinueAfterDroppedDocuments(true).DroppedDocumentCallback((item, doc) => failed.Add($"{doc.Id}: {item.Status} {item.Error?.Reason}")), ct);
            observable.Wait(TimeSpan.FromMinutes(10), _ => { });
            if (failed.Count > 0) throw new InvalidOperationException("Documents refused during the rebuild: " + string.Join("; ", failed.Take(10)));
        }, ct);

        public async Task CompleteAsync(long feedCursor, CancellationToken ct)
        {
            var client = owner.Client;
            await client.Indices.RefreshAsync(new RefreshRequest(index), ct);
            var current = await client.Indices.GetAliasAsync(new GetAliasRequest(new Names([owner.Alias])), ct);
            var old = current.IsValidResponse ? (current.Aliases?.Keys ?? []).Select(k => k.ToString()).ToList() : [];
            var actions = new List<IndexUpdateAliasesAction> { new() { Add = new AddAction { Index = index, Alias = owner.Alias, IsWriteIndex = true } } };
            actions.AddRange(old.Select(o => new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = o, Alias = owner.Alias } }));
            var swapped = await client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions }, ct);
            if (!swapped.IsValidResponse) throw Failure("Moving the alias", swapped);
            await owner.WriteCursorAsync(feedCursor, ct);
            _completed = true;
            foreach (var o in old) await client.Indices.DeleteAsync(new DeleteIndexRequest(o), ct);
        }

        public void Dispose()
        {
            // An abandoned build leaves the live index as it was; its half-filled index goes.
            if (!_completed) owner.Client.Indices.DeleteAsync(new DeleteIndexRequest(index)).GetAwaiter().GetResult();
        }
    }

    public async Task ClearAsync(CancellationToken ct)
    {
        var current = await client.Indices.GetAliasAsync(new GetAliasRequest(new Names([alias])), ct);
        if (current.IsValidResponse)
            foreach (var index in current.Aliases?.Keys ?? []) await client.Indices.DeleteAsync(new DeleteIndexRequest(index.ToString()), ct);
        await client.Indices.DeleteAsync(new DeleteIndexRequest(MetaIndex), ct);
        await EnsureIndexAsync(ct);
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        var response = await client.CountAsync(new CountRequest(alias), ct);
        if (response.ApiCallDetails.HttpStatusCode == 404) return 0;
        if (!response.IsValidResponse) throw Failure("Counting", response);
        return response.Count;
    }

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var terms = ChineseAnalyzer.QueryTerms(request.Query);
        var after = Cursor.DecodeElastic(request.After, request.Sort);
        var search = QueryBody(request, terms, after, alias);
        // Deep pages read inside a point in time (opened on the first one and carried in the cursor), so that documents
        // changing between pages neither repeat nor go missing; an expired one is replaced by a new one.
        if (after is not null)
        {
            var pit = after.Value.Pit;
            if (pit is null)
            {
                var opened = await client.OpenPointInTimeAsync(new OpenPointInTimeRequest(alias) { KeepAlive = PitKeepAlive }, ct);
                if (!opened.IsValidResponse) throw Failure("Opening a point in time", opened);
                pit = opened.Id;
            }
            search.Pit = new PointInTimeReference { Id = pit, KeepAlive = PitKeepAlive };
            var first = await client.SearchAsync<EsProduct>(search, ct);
            if (first.IsValidResponse) return ParseSearchResponse(first, request, terms, first.PitId ?? pit); // the cluster may hand on a new id
            if (after.Value.Pit is null) throw Failure("Search", first);
            // The point in time expired: continue from the same position without it.
            search = QueryBody(request, terms, after.Value with { Pit = null }, alias);
        }
        var response = await client.SearchAsync<EsProduct>(search, ct);
        if (!response.IsValidResponse) throw Failure("Search", response);
        return ParseSearchResponse(response, request, terms, null);
    }

    /// <summary>The search: every term must match some field (term queries on already-analysed terms, so no query
    /// syntax is ever interpreted), filters that do not score, the vendor-credit boost, aggregations, a total order.</summary>
    internal static Elastic.Clients.Elasticsearch.SearchRequest QueryBody(SearchRequest request, IReadOnlyList<string> terms, Cursor.ElasticPosition? after = null,
        string index = "products")
    {
        var must = new List<Query>();
        foreach (var term in terms)
        {
            var single = term.Length == 1 && !char.IsAsciiLetterOrDigit(term[0]);
            must.Add(new DisMaxQuery
            {
                Queries = TextFields.Select(f => (Query)new TermQuery(single ? f.Field + ".uni" : f.Field, term) { Boost = f.Boost }).ToList(),
                TieBreaker = 0.1,
            });
        }
        if (must.Count == 0) must.Add(new MatchAllQuery());
        var filter = new List<Query>();
        void Terms(string field, IEnumerable<FieldValue> values)
        {
            var list = values.Take(50).ToList();
            if (list.Count > 0) filter.Add(new TermsQuery(field, new TermsQueryField(list)));
        }
        Terms("category_id", request.CategoryIds.Distinct().Select(v => (FieldValue)v));
        Terms("province_id", request.ProvinceIds.Distinct().Select(v => (FieldValue)v));
        Terms("county_id", request.CountyIds.Distinct().Select(v => (FieldValue)v));
        Terms("certs", LuceneSearchIndex.CertificationFlags.Where(c => request.Certifications.HasFlag(c)).Select(c => (FieldValue)c.ToString()));
        Terms("grade", request.Grades.Where(g => Enum.IsDefined(g)).Distinct().Select(g => (FieldValue)g.ToString()));
        if (PriceBands.Find(request.PriceBand) is { } band)
            filter.Add(new NumberRangeQuery("price_fen") { Gte = band.FromFen, Lt = band.ToFen == long.MaxValue ? null : band.ToFen });

        var size = Math.Clamp(request.PageSize, 1, 100);
        // Inside a point in time the request names no index (the point in time does).
        var body = new Elastic.Clients.Elasticsearch.SearchRequest(after?.Pit is null ? (Indices)index : null!)
        {
            Size = size,
            TrackTotalHits = new TrackHits(true),
            Source = new SourceConfig(false),
            // The vendor-credit boost of CreditPolicy.RelevanceBoost, as a multiplier on the text score.
            Query = new FunctionScoreQuery
            {
                Query = new BoolQuery { Must = must, Filter = filter },
                Functions = new[] { CreditGrade.A, CreditGrade.B }.Select(g => new FunctionScore
                {
                    Filter = new TermQuery("grade", g.ToString()), Weight = CreditPolicy.RelevanceBoost(g),
                }).ToList(),
                ScoreMode = FunctionScoreMode.First,
                BoostMode = FunctionBoostMode.Multiply,
            },
            Sort = SortFor(request.Sort),
            Aggregations = new Dictionary<string, Aggregation>
            {
                ["category"] = new TermsAggregation { Field = "category_id", Size = 50 },
                ["province"] = new TermsAggregation { Field = "province_id", Size = 40 },
                ["county"] = new TermsAggregation { Field = "county_id", Size = 20 },
                ["cert"] = new TermsAggregation { Field = "certs", Size = 10 },
                ["grade"] = new TermsAggregation { Field = "grade", Size = 5 },
                ["price"] = new RangeAggregation
                {
                    Field = "price_fen",
                    Ranges = PriceBands.All.Select(b => new AggregationRange { Key = b.Key, From = b.FromFen, To = b.ToFen == long.MaxValue ? null : b.ToFen }).ToList(),
                },
            },
        };
        if (after is { } a) body.SearchAfter = a.Values;
        else body.From = (Math.Clamp(request.Page, 1, SearchRequest.MaxPage) - 1) * size;
        return body;
    }

    private static List<SortOptions> SortFor(SearchSort sort)
    {
        static SortOptions By(string field, SortOrder order) => new() { Field = new FieldSort(field) { Order = order } };
        var id = By("id", SortOrder.Desc);
        return sort switch
        {
            SearchSort.PriceAsc => [By("price_fen", SortOrder.Asc), id],
            SearchSort.PriceDesc => [By("price_fen", SortOrder.Desc), id],
            SearchSort.Newest => [By("listed_at", SortOrder.Desc), id],
            SearchSort.Sales => [By("sales", SortOrder.Desc), id],
            SearchSort.Credit => [By("credit_rank", SortOrder.Desc), id],
            _ => [new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } }, id],
        };
    }

    public static SearchResult ParseSearchResponse(SearchResponse<EsProduct> response, SearchRequest request, IReadOnlyList<string> terms, string? pit)
    {
        var total = response.HitsMetadata?.Total?.Match(t => t?.Value ?? 0, n => n) ?? 0;
        var hits = new List<SearchHit>();
        IReadOnlyCollection<FieldValue>? lastSort = null;
        foreach (var hit in response.Hits)
        {
            hits.Add(new SearchHit(int.Parse(hit.Id!, CultureInfo.InvariantCulture), (float)(hit.Score ?? 0)));
            lastSort = hit.Sort;
        }
        var facets = new Dictionary<string, IReadOnlyList<FacetCount>>();
        if (response.Aggregations is { } aggs)
        {
            foreach (var name in new[] { "category", "province", "county" })
                if (aggs.GetLongTerms(name) is { } longs)
                    facets[name] = longs.Buckets.Where(b => b.DocCount > 0).Select(b => new FacetCount(b.Key.ToString(CultureInfo.InvariantCulture), "", b.DocCount)).ToList();
            if (aggs.GetStringTerms("cert") is { } certs)
                facets["cert"] = certs.Buckets.Where(b => b.DocCount > 0).Select(b => new FacetCount(b.Key.ToString(),
                    Enum.TryParse<Certification>(b.Key.ToString(), out var c) ? LuceneSearchIndex.CertificationLabel(c) : "", b.DocCount)).ToList();
            if (aggs.GetStringTerms("grade") is { } grades)
                facets["grade"] = grades.Buckets.Where(b => b.DocCount > 0).Select(b => new FacetCount(b.Key.ToString(),
                    Enum.TryParse<CreditGrade>(b.Key.ToString(), out var g) ? CreditPolicy.Label(g) : "", b.DocCount)).ToList();
            if (aggs.GetRange("price") is { } prices)
                facets["price"] = prices.Buckets.Where(b => b.DocCount > 0).Select(b => new FacetCount(b.Key ?? "", PriceBands.Find(b.Key)?.Label ?? "", b.DocCount)).ToList();
        }
        var size = Math.Clamp(request.PageSize, 1, 100);
        var consumed = request.After is null ? (long)(Math.Clamp(request.Page, 1, SearchRequest.MaxPage) - 1) * size + hits.Count : 0;
        var hasMore = request.After is null ? total > consumed : hits.Count == size;
        var next = hasMore && lastSort is { Count: 2 } ls ? Cursor.EncodeElastic(request.Sort, ls, pit) : null;
        return new SearchResult(total, hits, facets, next, terms);
    }
}
