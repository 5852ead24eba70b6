using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Domain;
using Marketplace.Domain.Credit;
using Marketplace.Search;

namespace Marketplace.Integration.Tests;

/// <summary>
/// A loopback HTTP server that answers as an Elasticsearch 9 node would: each request gets the response its route
/// gives (recorded shapes of ES 9 answers), with the product header the official client checks. Keeps every request.
/// </summary>
internal sealed class FakeElasticsearch : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, string, string, (int Status, string Body)> _answer;
    private readonly Task _loop;
    public Uri Url { get; }
    public List<(string Method, string Path, string Body, string? Authorization)> Requests { get; } = [];

    public FakeElasticsearch(Func<string, string, string, (int Status, string Body)> answer)
    {
        _answer = answer;
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            // The client gzips request bodies (as it may the responses it accepts).
            Stream input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new System.IO.Compression.GZipStream(context.Request.InputStream, System.IO.Compression.CompressionMode.Decompress)
                : context.Request.InputStream;
            using var reader = new StreamReader(input, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var method = context.Request.HttpMethod;
            var path = context.Request.Url!.PathAndQuery;
            lock (Requests) Requests.Add((method, path, body, context.Request.Headers["Authorization"]));
            // Routes are matched without the query string (the client adds parameters of its own); requests keep it.
            var (status, answer) = method == "HEAD" && path == "/" ? (200, "") : _answer(method, context.Request.Url.AbsolutePath, body);
            context.Response.StatusCode = status;
            context.Response.Headers["X-elastic-product"] = "Elasticsearch";
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(answer);
            if (method != "HEAD") await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public List<(string Method, string Path, string Body, string? Authorization)> Sent() { lock (Requests) return Requests.ToList(); }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}

public class ElasticsearchAdapterTests
{
    private const string Ack = """{"acknowledged":true}""";
    private static string Created(string index) => $$"""{"acknowledged":true,"shards_acknowledged":true,"index":"{{index}}"}""";
    private static string Indexed(string index, string id) =>
        $$"""{"_index":"{{index}}","_id":"{{id}}","_version":1,"result":"created","forced_refresh":true,"_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}""";
    private const string NotFoundDoc = """{"_index":"products-meta","_id":"feed","found":false}""";
    private const string NoIndex = """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [products-meta]"}],"type":"index_not_found_exception","reason":"no such index [products-meta]"},"status":404}""";

    private static string BulkItem(string op, string id, int status, string? errorType = null)
    {
        var result = op == "delete" ? (status == 404 ? "not_found" : "deleted") : "created";
        var inner = errorType is null
            ? $"\"_index\":\"products-20261129\",\"_id\":\"{id}\",\"_version\":1,\"result\":\"{result}\",\"_shards\":{{\"total\":1,\"successful\":1,\"failed\":0}},\"_seq_no\":1,\"_primary_term\":1,\"status\":{status}"
            : $"\"_index\":\"products-20261129\",\"_id\":\"{id}\",\"status\":{status},\"error\":{{\"type\":\"{errorType}\",\"reason\":\"{errorType} on {id}\"}}";
        return "{\"" + op + "\":{" + inner + "}}";
    }

    private static string Bulk(params string[] items) => $$"""{"errors":{{(items.Any(i => i.Contains("\"error\"")) ? "true" : "false")}},"took":3,"items":[{{string.Join(',', items)}}]}""";

    private static ElasticsearchSearchIndex Index(FakeElasticsearch es) => new(new ElasticsearchOptions { Nodes = [es.Url] }.CreateClient(), "products");

    private static ProductDocument Doc(int id) => new(id, "正安白茶 250g/盒", "高山茶园", "正安绿源茶业有限公司", 8, "茶叶", 520000, "贵州省", 520324, "正安县",
        Certification.Green | Certification.Organic, 12_800, new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc), 42, null) { VendorGrade = CreditGrade.A };

    [Fact]
    public async Task A_first_index_is_created_behind_the_alias_with_the_cjk_mapping()
    {
        using var es = new FakeElasticsearch((method, path, _) => (method, path) switch
        {
            ("HEAD", "/_alias/products") => (404, ""),
            ("PUT", _) when path.StartsWith("/products-", StringComparison.Ordinal) => (200, Created(path.Trim('/'))),
            _ => (404, NoIndex),
        });
        await Index(es).EnsureIndexAsync(CancellationToken.None);
        var put = es.Sent().Single(r => r.Method == "PUT");
        var definition = JsonNode.Parse(put.Body)!;
        Assert.Equal("cjk", (string)definition["mappings"]!["properties"]!["name"]!["analyzer"]!);
        Assert.Equal("cjk_unigrams", (string)definition["mappings"]!["properties"]!["name"]!["fields"]!["uni"]!["analyzer"]!);
        Assert.Equal("strict", (string)definition["mappings"]!["dynamic"]!);
        Assert.Equal("keyword", (string)definition["mappings"]!["properties"]!["grade"]!["type"]!);
        Assert.True((bool)definition["settings"]!["analysis"]!["filter"]!["cjk_bigram_unigrams"]!["output_unigrams"]!);
        Assert.True((bool)definition["aliases"]!["products"]!["is_write_index"]!);
    }

    [Fact]
    public async Task Items_refused_with_429_are_sent_again_alone_and_the_cursor_is_written_after()
    {
        var bulks = 0;
        using var es = new FakeElasticsearch((method, path, _) => (method, path) switch
        {
            ("POST", "/products/_bulk") => (200, ++bulks == 1
                ? Bulk(BulkItem("delete", "3", 404), BulkItem("index", "7", 201), BulkItem("index", "8", 429, "es_rejected_execution_exception"))
                : Bulk(BulkItem("index", "8", 201))),
            ("GET", "/products-meta/_doc/feed") => (404, NotFoundDoc),
            ("PUT", _) when path.StartsWith("/products-meta/_doc/feed", StringComparison.Ordinal) => (201, Indexed("products-meta", "feed")),
            _ => (404, NoIndex),
        });
        await Index(es).ApplyAsync([Doc(7), Doc(8)], [3], 50, CancellationToken.None);
        var sent = es.Sent().Where(r => r.Method != "HEAD").ToList();
        var first = sent[0].Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, first.Length); // delete 3; index 7 + source; index 8 + source
        Assert.Contains("\"delete\"", first[0]);
        Assert.Contains("正安白茶", first[2]); // UTF-8 on the wire
        var source = JsonNode.Parse(first[2])!;
        Assert.Equal("A", (string)source["grade"]!);
        Assert.Equal(12_800, (long)source["price_fen"]!);
        var retry = sent[1].Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, retry.Length);
        Assert.Contains("\"8\"", retry[0]);
        Assert.Equal("PUT", sent[^1].Method);
        Assert.StartsWith("/products-meta/_doc/feed", sent[^1].Path);
        Assert.Equal(50, (long)JsonNode.Parse(sent[^1].Body)!["cursor"]!);
    }

    [Fact]
    public async Task A_mapping_error_fails_the_batch_and_leaves_the_cursor()
    {
        using var es = new FakeElasticsearch((method, path, _) => (method, path) switch
        {
            ("POST", "/products/_bulk") => (200, Bulk(BulkItem("index", "7", 400, "document_parsing_exception"))),
            _ => (404, NoIndex),
        });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Index(es).ApplyAsync([Doc(7)], [], 50, CancellationToken.None));
        Assert.Contains("document_parsing_exception", ex.Message);
        Assert.DoesNotContain(es.Sent(), r => r.Path.Contains("meta", StringComparison.Ordinal));
    }

    private const string SearchResponse = """
        {"took":4,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
         "hits":{"total":{"value":3,"relation":"eq"},"max_score":null,"hits":[
           {"_index":"products-20261129","_id":"17","_score":null,"sort":[2990,17]},
           {"_index":"products-20261129","_id":"5","_score":null,"sort":[3900,5]}]},
         "aggregations":{
           "lterms#category":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":8,"doc_count":2},{"key":1,"doc_count":1}]},
           "lterms#province":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":520000,"doc_count":3}]},
           "lterms#county":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":520324,"doc_count":3}]},
           "sterms#cert":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"Green","doc_count":2}]},
           "sterms#grade":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"A","doc_count":2},{"key":"New","doc_count":1}]},
           "range#price":{"buckets":[{"key":"0-30","from":0.0,"to":3000.0,"doc_count":1},{"key":"30-60","from":3000.0,"to":6000.0,"doc_count":2},{"key":"60-100","from":6000.0,"to":10000.0,"doc_count":0}]}}}
        """;

    [Fact]
    public async Task A_search_sends_terms_filters_boost_and_facets_and_reads_hits_facets_and_a_cursor()
    {
        using var es = new FakeElasticsearch((method, path, _) => path.StartsWith("/products/_search", StringComparison.Ordinal) ? (200, SearchResponse) : (404, NoIndex));
        var request = new SearchRequest
        {
            Query = "茶 大米", CategoryIds = [1, 8], ProvinceIds = [520000], Certifications = Certification.Green, PriceBand = "30-60", Sort = SearchSort.PriceAsc,
            Page = 3, PageSize = 2, Grades = [CreditGrade.A, CreditGrade.B],
        };
        var result = await Index(es).SearchAsync(request, CancellationToken.None);
        var body = JsonNode.Parse(es.Sent().Single(r => r.Path.StartsWith("/products/_search", StringComparison.Ordinal)).Body)!;
        var scoring = body["query"]!["function_score"]!;
        Assert.Equal("multiply", (string)scoring["boost_mode"]!);
        Assert.Equal(1.1, (double)scoring["functions"]![0]!["weight"]!, 3);
        Assert.Equal("A", (string)scoring["functions"]![0]!["filter"]!["term"]!["grade"]!["value"]!);
        var must = scoring["query"]!["bool"]!["must"]!.AsArray();
        Assert.Equal(2, must.Count);
        var firstTerm = must[0]!["dis_max"]!["queries"]![0]!["term"]!;
        Assert.Equal("茶", (string)firstTerm["name.uni"]!["value"]!); // one character: the unigram field
        Assert.Equal("大米", (string)must[1]!["dis_max"]!["queries"]![0]!["term"]!["name"]!["value"]!);
        var filter = scoring["query"]!["bool"]!["filter"]!.ToJsonString();
        Assert.Contains("\"category_id\":[1,8]", filter);
        Assert.Contains("\"province_id\":[520000]", filter);
        Assert.Contains("\"certs\":[\"Green\"]", filter);
        Assert.Contains("\"grade\":[\"A\",\"B\"]", filter);
        Assert.Contains("\"price_fen\":{", filter);
        Assert.Contains("\"gte\":3000", filter);
        Assert.Contains("\"lt\":6000", filter);
        Assert.Equal("""[{"price_fen":{"order":"asc"}},{"id":{"order":"desc"}}]""", body["sort"]!.ToJsonString());
        Assert.Equal(4, (int)body["from"]!);
        Assert.True((bool)body["track_total_hits"]!);
        Assert.Equal(6, body["aggregations"]!.AsObject().Count);

        Assert.Equal(3, result.Total);
        Assert.Equal([17, 5], result.Hits.Select(h => h.Id));
        Assert.Equal([("8", 2L), ("1", 1L)], result.Facets["category"].Select(f => (f.Key, f.Count)));
        Assert.Equal("绿色食品", result.Facets["cert"].Single().Label);
        Assert.Equal(["A", "New"], result.Facets["grade"].Select(f => f.Key));
        Assert.Equal(["0-30", "30-60"], result.Facets["price"].Select(f => f.Key)); // empty bands are dropped
        Assert.Null(result.NextCursor); // page 3 of two ends past the 3 hits: nothing further
    }

    [Fact]
    public async Task Deep_pages_continue_by_search_after_inside_a_point_in_time_carried_in_the_cursor()
    {
        using var es = new FakeElasticsearch((method, path, _) => (method, path) switch
        {
            _ when path.StartsWith("/products/_pit", StringComparison.Ordinal) => (200, """{"id":"PIT-1","_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"""),
            _ when path.StartsWith("/_search", StringComparison.Ordinal) => (200, SearchResponse.Replace("{\"took\":4,", "{\"pit_id\":\"PIT-2\",\"took\":4,")),
            _ when path.StartsWith("/products/_search", StringComparison.Ordinal) => (200, SearchResponse),
            _ => (404, NoIndex),
        });
        var index = Index(es);
        var request = new SearchRequest { Sort = SearchSort.PriceAsc, PageSize = 2 };
        var first = await index.SearchAsync(request, CancellationToken.None);
        var second = await index.SearchAsync(request with { After = first.NextCursor }, CancellationToken.None);
        var sent = es.Sent().Where(r => r.Method != "HEAD").ToList();
        Assert.StartsWith("/products/_pit", sent[1].Path);
        Assert.Contains("keep_alive=2m", sent[1].Path);
        var body = JsonNode.Parse(sent[2].Body)!;
        Assert.StartsWith("/_search", sent[2].Path); // inside a point in time the request names no index
        Assert.Equal("PIT-1", (string)body["pit"]!["id"]!);
        Assert.Equal("[3900,5]", body["search_after"]!.ToJsonString());
        Assert.Null(body["from"]);
        // The next cursor carries the point in time the cluster answered with, and a cursor of another sort is ignored.
        await index.SearchAsync(request with { After = second.NextCursor }, CancellationToken.None);
        Assert.Equal("PIT-2", (string)JsonNode.Parse(es.Sent().Where(r => r.Method != "HEAD").ToList()[3].Body)!["pit"]!["id"]!);
        await index.SearchAsync(request with { Sort = SearchSort.Sales, After = second.NextCursor }, CancellationToken.None);
        Assert.NotNull(JsonNode.Parse(es.Sent().Where(r => r.Method != "HEAD").Last().Body)!["from"]);
    }

    [Fact]
    public async Task A_rebuild_fills_a_new_index_and_moves_the_alias_to_it_in_one_step()
    {
        using var es = new FakeElasticsearch((method, path, body) => (method, path) switch
        {
            ("PUT", _) when path.StartsWith("/products-meta/_doc/feed", StringComparison.Ordinal) => (201, Indexed("products-meta", "feed")),
            ("PUT", _) when path.StartsWith("/products-2", StringComparison.Ordinal) => (200, Created(path.Trim('/'))),
            ("POST", _) when path.EndsWith("/_bulk", StringComparison.Ordinal) || path.Contains("/_bulk?", StringComparison.Ordinal) =>
                (200, Bulk(body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i % 2 == 0)
                    .Select(l => BulkItem("index", (string)JsonNode.Parse(l)!["index"]!["_id"]!, 201)).ToArray())),
            ("POST", _) when path.Contains("/_refresh", StringComparison.Ordinal) => (200, """{"_shards":{"total":1,"successful":1,"failed":0}}"""),
            ("GET", "/_alias/products") => (200, """{"products-20260101000000000":{"aliases":{"products":{"is_write_index":true}}}}"""),
            ("POST", "/_aliases") => (200, Ack),
            ("DELETE", "/products-20260101000000000") => (200, Ack),
            _ => (404, NoIndex),
        });
        var index = Index(es);
        using (var build = await index.BeginRebuildAsync(CancellationToken.None))
        {
            await build.AddAsync([Doc(1), Doc(2), Doc(3)], CancellationToken.None);
            await build.CompleteAsync(99, CancellationToken.None);
        }
        var sent = es.Sent().Where(r => r.Method != "HEAD").ToList();
        var created = sent[0].Path.Trim('/').Split('?')[0];
        Assert.StartsWith("products-2", created);
        Assert.Contains(sent, r => r.Method == "POST" && r.Path.StartsWith($"/{created}/_bulk", StringComparison.Ordinal) && r.Body.Contains("正安白茶"));
        var swap = JsonNode.Parse(sent.Single(r => r.Path == "/_aliases").Body)!["actions"]!.AsArray();
        Assert.Equal(created, (string)swap[0]!["add"]!["index"]!);
        Assert.Equal("products-20260101000000000", (string)swap[1]!["remove"]!["index"]!);
        var order = sent.Select(r => r.Path).ToList();
        Assert.True(order.FindIndex(p => p == "/_aliases") < order.FindIndex(p => p.StartsWith("/products-meta/_doc/feed", StringComparison.Ordinal)));
        Assert.Equal("DELETE", sent[^1].Method);
    }

    [Theory]
    [InlineData("""{"cursor":5}""", false)]               // written by the hand-written adapter of the previous version
    [InlineData("""{"cursor":5,"format":"2"}""", true)]
    public async Task An_index_written_by_an_earlier_version_is_stale(string source, bool current)
    {
        using var es = new FakeElasticsearch((method, path, _) => path == "/products-meta/_doc/feed"
            ? (200, $$"""{"_index":"products-meta","_id":"feed","_version":3,"_seq_no":2,"_primary_term":1,"found":true,"_source":{{source}}}""")
            : (404, NoIndex));
        var index = Index(es);
        Assert.Equal(current, await index.HasCurrentFormatAsync(CancellationToken.None));
        Assert.Equal(5, await index.GetFeedCursorAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_client_fails_over_to_the_next_node_and_authenticates_with_an_api_key()
    {
        using var es = new FakeElasticsearch((method, path, _) => path.StartsWith("/products/_count", StringComparison.Ordinal)
            ? (200, """{"count":42,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""") : (404, NoIndex));
        var dead = new Uri($"http://127.0.0.1:{FakeElasticsearch.FreePort()}/");
        var index = new ElasticsearchSearchIndex(new ElasticsearchOptions { Nodes = [dead, es.Url], ApiKey = "a2V5OnNlY3JldA==" }.CreateClient());
        Assert.Equal(42, await index.CountAsync(CancellationToken.None));
        Assert.All(es.Sent(), r => Assert.Equal("ApiKey a2V5OnNlY3JldA==", r.Authorization));

        // TLS with a self-signed CA: the fingerprint and the timeout reach the client's transport; several nodes make a pool.
        var settings = (Elastic.Transport.ITransportConfiguration)new ElasticsearchOptions
        {
            Nodes = [new Uri("https://es1:9200"), new Uri("https://es2:9200")], CertificateFingerprint = "7A:F2:11", RequestTimeout = TimeSpan.FromSeconds(7),
        }.CreateClient().ElasticsearchClientSettings;
        Assert.Equal("7A:F2:11", settings.CertificateFingerprint);
        Assert.Equal(TimeSpan.FromSeconds(7), ((Elastic.Transport.IRequestConfiguration)settings).RequestTimeout);
        Assert.Equal(2, settings.NodePool.Nodes.Count);

        using var basic = new FakeElasticsearch((method, path, _) => (200, """{"count":1,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"""));
        await new ElasticsearchSearchIndex(new ElasticsearchOptions { Nodes = [basic.Url], Username = "elastic", Password = "pw" }.CreateClient()).CountAsync(CancellationToken.None);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:pw")), basic.Sent().Last().Authorization);
    }
}

/// <summary>
/// The shared contract against a live cluster: set ELASTICSEARCH_URL (e.g. http://localhost:9200 from
/// docker-compose.yml; ELASTICSEARCH_USER / ELASTICSEARCH_PASSWORD when security is on) to run it; without it these
/// cases are reported as skipped.
/// </summary>
public sealed class ElasticsearchContractTests : SearchIndexContract
{
    private static readonly string? Url = Environment.GetEnvironmentVariable("ELASTICSEARCH_URL");
    private readonly string _name = "contract-" + Guid.NewGuid().ToString("N")[..8];
    private Elastic.Clients.Elasticsearch.ElasticsearchClient? _client;

    protected override bool Available => Url is not null;

    protected override async Task<ISearchIndex> CreateIndexAsync()
    {
        _client = new ElasticsearchOptions
        {
            Nodes = [new Uri(Url!)], Username = Environment.GetEnvironmentVariable("ELASTICSEARCH_USER"),
            Password = Environment.GetEnvironmentVariable("ELASTICSEARCH_PASSWORD"),
        }.CreateClient();
        var index = new ElasticsearchSearchIndex(_client, _name);
        await index.EnsureIndexAsync(CancellationToken.None);
        return new RefreshingIndex(index, _client, _name);
    }

    protected override async Task DisposeIndexAsync()
    {
        if (_client is null) return;
        await _client.Indices.DeleteAsync(new Elastic.Clients.Elasticsearch.IndexManagement.DeleteIndexRequest(_name + "-*"));
    }

    /// <summary>Elasticsearch is near-real-time: the contract reads its writes, so refresh after each batch.</summary>
    private sealed class RefreshingIndex(ElasticsearchSearchIndex inner, Elastic.Clients.Elasticsearch.ElasticsearchClient client, string name) : ISearchIndex
    {
        public async Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct)
        {
            await inner.ApplyAsync(upserts, deletes, feedCursor, ct);
            await client.Indices.RefreshAsync(new Elastic.Clients.Elasticsearch.IndexManagement.RefreshRequest(name), ct);
        }
        public Task<long> GetFeedCursorAsync(CancellationToken ct) => inner.GetFeedCursorAsync(ct);
        public Task ClearAsync(CancellationToken ct) => inner.ClearAsync(ct);
        public Task<IIndexBuild> BeginRebuildAsync(CancellationToken ct) => inner.BeginRebuildAsync(ct);
        public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct) => inner.SearchAsync(request, ct);
        public Task<long> CountAsync(CancellationToken ct) => inner.CountAsync(ct);
        public Task<bool> HasCurrentFormatAsync(CancellationToken ct) => inner.HasCurrentFormatAsync(ct);
    }
}
