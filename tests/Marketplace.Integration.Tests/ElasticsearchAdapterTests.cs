using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Domain;
using Marketplace.Search;

namespace Marketplace.Integration.Tests;

/// <summary>Answers each request with the next canned Elasticsearch response and keeps what was sent.</summary>
internal sealed class RecordingHandler(params (HttpStatusCode Status, string Body)[] responses) : HttpMessageHandler
{
    private readonly Queue<(HttpStatusCode, string)> _responses = new(responses);
    public List<(HttpMethod Method, string Path, string Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Requests.Add((request.Method, request.RequestUri!.PathAndQuery, request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct)));
        var (status, body) = _responses.Count > 0 ? _responses.Dequeue() : (HttpStatusCode.NotFound, "{}");
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}

public class ElasticsearchAdapterTests
{
    private static (ElasticsearchSearchIndex Index, RecordingHandler Handler) Create(params (HttpStatusCode, string)[] responses)
    {
        var handler = new RecordingHandler(responses);
        return (new ElasticsearchSearchIndex(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9200/") }), handler);
    }

    private static ProductDocument Doc(int id) => new(id, "正安白茶 250g/盒", "高山茶园", "正安绿源茶业有限公司", 8, "茶叶", 520000, "贵州省", 520324, "正安县",
        Certification.Green | Certification.Organic, 12_800, new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc), 42, null);

    [Fact]
    public void The_mapping_uses_the_cjk_analyzer_and_a_unigram_subfield()
    {
        var definition = ElasticsearchSearchIndex.IndexDefinition();
        var name = definition["mappings"]!["properties"]!["name"]!;
        Assert.Equal("cjk", (string)name["analyzer"]!);
        Assert.Equal("cjk_unigrams", (string)name["fields"]!["uni"]!["analyzer"]!);
        Assert.True((bool)definition["settings"]!["analysis"]!["filter"]!["cjk_bigram_unigrams"]!["output_unigrams"]!);
        Assert.Equal("strict", (string)definition["mappings"]!["dynamic"]!);
        Assert.Equal("long", (string)definition["mappings"]!["properties"]!["price_fen"]!["type"]!);
    }

    [Fact]
    public void Bulk_bodies_are_ndjson_with_an_action_line_per_item()
    {
        var (index, _) = Create();
        var lines = index.BulkBody([Doc(7)], [3]).Split('\n');
        Assert.Equal(4, lines.Length); // delete, index, source, trailing newline
        Assert.Equal("""{"delete":{"_index":"products","_id":"3"}}""", lines[0]);
        Assert.Equal("""{"index":{"_index":"products","_id":"7"}}""", lines[1]);
        var source = JsonNode.Parse(lines[2])!;
        Assert.Equal(12_800, (long)source["price_fen"]!);
        Assert.Equal(["Green", "Organic"], source["certs"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public async Task Rejected_bulk_items_are_retried_alone_and_the_cursor_written_after()
    {
        // A real-format _bulk response with errors=true: item 8 was rejected (429), item 7 indexed, a delete of a
        // missing document (404) counts as done.
        const string partial = """
            {"took":30,"errors":true,"items":[
              {"delete":{"_index":"products","_id":"3","_version":1,"result":"not_found","status":404,"_shards":{"total":2,"successful":1,"failed":0},"_seq_no":5,"_primary_term":1}},
              {"index":{"_index":"products","_id":"7","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":6,"_primary_term":1,"status":201}},
              {"index":{"_index":"products","_id":"8","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}}}
            ]}
            """;
        const string ok = """{"took":3,"errors":false,"items":[{"index":{"_index":"products","_id":"8","_version":1,"result":"created","status":201}}]}""";
        var (index, handler) = Create(
            (HttpStatusCode.OK, partial), (HttpStatusCode.OK, ok),
            (HttpStatusCode.NotFound, """{"_index":"products-meta","_id":"feed","found":false}"""),
            (HttpStatusCode.Created, """{"_index":"products-meta","_id":"feed","_version":1,"result":"created"}"""));
        await index.ApplyAsync([Doc(7), Doc(8)], [3], 42, CancellationToken.None);

        Assert.Equal("/_bulk", handler.Requests[0].Path);
        Assert.Equal(5, handler.Requests[0].Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var retried = handler.Requests[1].Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, retried.Length);
        Assert.Contains("\"_id\":\"8\"", retried[0]);
        Assert.Equal("/products-meta/_doc/feed?refresh=true", handler.Requests[3].Path);
        Assert.Equal(42, (long)JsonNode.Parse(handler.Requests[3].Body)!["cursor"]!);
    }

    [Fact]
    public async Task A_mapping_error_fails_the_batch_and_leaves_the_cursor()
    {
        const string bad = """
            {"took":2,"errors":true,"items":[{"index":{"_index":"products","_id":"7","status":400,
              "error":{"type":"document_parsing_exception","reason":"[1:2] failed to parse field [price_fen] of type [long]"}}}]}
            """;
        var (index, handler) = Create((HttpStatusCode.OK, bad));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => index.ApplyAsync([Doc(7)], [], 50, CancellationToken.None));
        Assert.Contains("document_parsing_exception", ex.Message);
        Assert.DoesNotContain(handler.Requests, r => r.Path.Contains("meta", StringComparison.Ordinal));
    }

    [Fact]
    public void The_query_body_matches_every_term_filters_without_scoring_and_asks_for_facets()
    {
        var request = new SearchRequest
        {
            Query = "茶 大米", CategoryIds = [1, 8], ProvinceIds = [520000], Certifications = Certification.Green, PriceBand = "30-60", Sort = SearchSort.PriceAsc, Page = 3,
            Grades = [Domain.Credit.CreditGrade.A, Domain.Credit.CreditGrade.B],
        };
        var body = ElasticsearchSearchIndex.QueryBody(request, ChineseAnalyzer.QueryTerms(request.Query));
        // The text query sits inside function_score, which multiplies by the vendor-grade boost (A, then B; others 1).
        var scoring = body["query"]!["function_score"]!;
        Assert.Equal("multiply", (string)scoring["boost_mode"]!);
        Assert.Equal(1.1f, (float)scoring["functions"]![0]!["weight"]!);
        Assert.Contains("\"grade\":\"A\"", scoring["functions"]![0]!.ToJsonString());
        var must = scoring["query"]!["bool"]!["must"]!.AsArray();
        Assert.Equal(2, must.Count);
        Assert.Contains("\"name.uni\":{\"value\":\"茶\"", ElasticsearchSearchIndex.Serialize(must[0]!)); // one character: unigram field
        Assert.Contains("\"name\":{\"value\":\"大米\"", ElasticsearchSearchIndex.Serialize(must[1]!));
        var filter = scoring["query"]!["bool"]!["filter"]!.ToJsonString();
        Assert.Contains("\"category_id\":[1,8]", filter);
        Assert.Contains("\"province_id\":[520000]", filter);
        Assert.Contains("\"certs\":[\"Green\"]", filter);
        Assert.Contains("\"price_fen\":{\"gte\":3000,\"lt\":6000}", filter);
        Assert.Contains("\"grade\":[\"A\",\"B\"]", filter);
        Assert.Equal("""[{"price_fen":{"order":"asc"}},{"id":{"order":"desc"}}]""", body["sort"]!.ToJsonString());
        Assert.Equal(48, (int)body["from"]!);
        Assert.True((bool)body["track_total_hits"]!);
        Assert.Equal(6, body["aggs"]!.AsObject().Count);
    }

    [Fact]
    public void A_search_response_becomes_hits_facets_and_a_search_after_cursor()
    {
        // The shape Elasticsearch 8 returns for the body above.
        const string response = """
            {"took":4,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
             "hits":{"total":{"value":3,"relation":"eq"},"max_score":null,"hits":[
               {"_index":"products","_id":"17","_score":null,"sort":[2990,17]},
               {"_index":"products","_id":"5","_score":null,"sort":[3900,5]}]},
             "aggregations":{
               "category":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":8,"doc_count":2},{"key":1,"doc_count":1}]},
               "province":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":520000,"doc_count":3}]},
               "county":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":520324,"doc_count":3}]},
               "cert":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"Green","doc_count":2}]},
               "price":{"buckets":[{"key":"0-30","from":0.0,"to":3000.0,"doc_count":1},{"key":"30-60","from":3000.0,"to":6000.0,"doc_count":2},{"key":"60-100","from":6000.0,"to":10000.0,"doc_count":0}]}}}
            """;
        var request = new SearchRequest { Sort = SearchSort.PriceAsc, PageSize = 2 };
        var result = ElasticsearchSearchIndex.ParseSearchResponse(response, request, []);
        Assert.Equal(3, result.Total);
        Assert.Equal([17, 5], result.Hits.Select(h => h.Id));
        Assert.Equal([("8", 2L), ("1", 1L)], result.Facets["category"].Select(f => (f.Key, f.Count)));
        Assert.Equal("绿色食品", result.Facets["cert"].Single().Label);
        Assert.Equal(["0-30", "30-60"], result.Facets["price"].Select(f => f.Key)); // empty bands are dropped
        Assert.NotNull(result.NextCursor);

        // The cursor becomes search_after with the last hit's sort values, for the same sort only.
        var next = ElasticsearchSearchIndex.QueryBody(request with { After = result.NextCursor }, []);
        Assert.Equal("[3900,5]", next["search_after"]!.ToJsonString());
        Assert.Null(next["from"]);
        Assert.Null(ElasticsearchSearchIndex.QueryBody(request with { Sort = SearchSort.Sales, After = result.NextCursor }, [])["search_after"]);
    }
}

/// <summary>
/// The shared contract against a live cluster: set ELASTICSEARCH_URL (e.g. http://localhost:9200 from
/// docker-compose.yml) to run it; without it these cases are reported as skipped.
/// </summary>
public sealed class ElasticsearchContractTests : SearchIndexContract
{
    private static readonly string? Url = Environment.GetEnvironmentVariable("ELASTICSEARCH_URL");
    private readonly string _name = "contract-" + Guid.NewGuid().ToString("N")[..8];
    private HttpClient? _http;

    protected override bool Available => Url is not null;

    protected override async Task<ISearchIndex> CreateIndexAsync()
    {
        _http = new HttpClient { BaseAddress = new Uri(Url!.TrimEnd('/') + "/") };
        var index = new ElasticsearchSearchIndex(_http, _name);
        await index.EnsureIndexAsync(CancellationToken.None);
        return new RefreshingIndex(index, _http, _name);
    }

    protected override async Task DisposeIndexAsync()
    {
        if (_http is null) return;
        await _http.DeleteAsync(_name);
        await _http.DeleteAsync(_name + "-meta");
        _http.Dispose();
    }

    /// <summary>Elasticsearch is near-real-time: the contract reads its writes, so refresh after each batch.</summary>
    private sealed class RefreshingIndex(ElasticsearchSearchIndex inner, HttpClient http, string name) : ISearchIndex
    {
        public async Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct)
        {
            await inner.ApplyAsync(upserts, deletes, feedCursor, ct);
            (await http.PostAsync($"{name}/_refresh", null, ct)).EnsureSuccessStatusCode();
        }
        public Task<long> GetFeedCursorAsync(CancellationToken ct) => inner.GetFeedCursorAsync(ct);
        public Task ClearAsync(CancellationToken ct) => inner.ClearAsync(ct);
        public Task<IIndexBuild> BeginRebuildAsync(CancellationToken ct) => InPlaceIndexBuild.BeginAsync(this, ct);
        public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct) => inner.SearchAsync(request, ct);
        public Task<long> CountAsync(CancellationToken ct) => inner.CountAsync(ct);
    }
}
