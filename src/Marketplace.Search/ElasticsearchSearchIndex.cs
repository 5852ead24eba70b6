using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Domain;
using Marketplace.Domain.Credit;

namespace Marketplace.Search;

/// <summary>
/// Elasticsearch over its REST API (no client package is available here): HttpClient and System.Text.Json only.
/// Text fields use the built-in <c>cjk</c> analyzer (bigrams) with a <c>.uni</c> sub-field that keeps single
/// characters, so the same queries match as in the embedded index. The change-feed cursor lives in a small
/// meta index and is written only after the documents it covers were accepted.
/// </summary>
public sealed class ElasticsearchSearchIndex(HttpClient http, string indexName = "products") : ISearchIndex
{
    private string MetaIndex => indexName + "-meta";

    /// <summary>UTF-8 Chinese as is (a third the bytes of \uXXXX escapes, and readable in logs); still valid JSON.</summary>
    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public const int MaxBulkAttempts = 4;

    private static readonly (string Field, float Boost)[] TextFields =
        [("name", 4f), ("category", 2f), ("vendor", 1.5f), ("region", 1.5f), ("cert", 1f), ("description", 0.5f)];

    /// <summary>The index definition: explicit mapping, the cjk analyzer, keyword and numeric fields for filters and sorts.</summary>
    public static JsonObject IndexDefinition()
    {
        JsonObject Text() => new()
        {
            ["type"] = "text", ["analyzer"] = "cjk",
            ["fields"] = new JsonObject { ["uni"] = new JsonObject { ["type"] = "text", ["analyzer"] = "cjk_unigrams" } },
        };
        var properties = new JsonObject
        {
            ["id"] = new JsonObject { ["type"] = "integer" },
            ["category_id"] = new JsonObject { ["type"] = "integer" },
            ["province_id"] = new JsonObject { ["type"] = "integer" },
            ["county_id"] = new JsonObject { ["type"] = "integer" },
            ["certs"] = new JsonObject { ["type"] = "keyword" },
            ["price_fen"] = new JsonObject { ["type"] = "long" },
            ["listed_at"] = new JsonObject { ["type"] = "date" },
            ["sales"] = new JsonObject { ["type"] = "integer" },
            ["grade"] = new JsonObject { ["type"] = "keyword" },
            ["credit_rank"] = new JsonObject { ["type"] = "long" },
            ["cover"] = new JsonObject { ["type"] = "keyword", ["index"] = false },
        };
        foreach (var (field, _) in TextFields) properties[field] = Text();
        return new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["analysis"] = new JsonObject
                {
                    ["filter"] = new JsonObject { ["cjk_bigram_unigrams"] = new JsonObject { ["type"] = "cjk_bigram", ["output_unigrams"] = true } },
                    ["analyzer"] = new JsonObject
                    {
                        ["cjk_unigrams"] = new JsonObject
                        {
                            ["tokenizer"] = "standard",
                            ["filter"] = new JsonArray("cjk_width", "lowercase", "cjk_bigram_unigrams"),
                        },
                    },
                },
            },
            ["mappings"] = new JsonObject { ["dynamic"] = "strict", ["properties"] = properties },
        };
    }

    public static JsonObject ToSource(ProductDocument d) => new()
    {
        ["id"] = d.Id, ["name"] = d.Name, ["description"] = d.Description, ["vendor"] = d.VendorName,
        ["category"] = d.CategoryName, ["region"] = d.ProvinceName + " " + d.CountyName,
        ["cert"] = string.Join(' ', LuceneSearchIndex.CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(LuceneSearchIndex.CertificationLabel)),
        ["category_id"] = d.CategoryId, ["province_id"] = d.ProvinceId, ["county_id"] = d.CountyId,
        ["certs"] = new JsonArray(LuceneSearchIndex.CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(c => (JsonNode)JsonValue.Create(c.ToString())!).ToArray()),
        ["price_fen"] = d.PriceFen, ["listed_at"] = d.ListedAt.ToString("O", CultureInfo.InvariantCulture), ["sales"] = d.SalesCount, ["cover"] = d.CoverPhotoKey,
        ["grade"] = d.VendorGrade.ToString(), ["credit_rank"] = FacetKeys.CreditKey(d.VendorGrade, d.SalesCount),
    };

    public async Task EnsureIndexAsync(CancellationToken ct)
    {
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, indexName), ct);
        if (head.StatusCode == HttpStatusCode.OK) return;
        using var put = await http.PutAsync(indexName, Json(IndexDefinition()), ct);
        if (!put.IsSuccessStatusCode && !(await put.Content.ReadAsStringAsync(ct)).Contains("resource_already_exists_exception", StringComparison.Ordinal))
            throw new InvalidOperationException($"Creating index {indexName} failed: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>NDJSON for _bulk: an action line per item, and the document after each index action.</summary>
    public string BulkBody(IEnumerable<ProductDocument> upserts, IEnumerable<int> deletes)
    {
        var sb = new StringBuilder();
        foreach (var id in deletes)
            sb.Append("{\"delete\":{\"_index\":").Append(JsonSerializer.Serialize(indexName)).Append(",\"_id\":\"").Append(id.ToString(CultureInfo.InvariantCulture)).Append("\"}}\n");
        foreach (var d in upserts)
        {
            sb.Append("{\"index\":{\"_index\":").Append(JsonSerializer.Serialize(indexName)).Append(",\"_id\":\"").Append(d.Id.ToString(CultureInfo.InvariantCulture)).Append("\"}}\n");
            sb.Append(ToSource(d).ToJsonString(Wire)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Sends the batch; when the response's <c>errors</c> flag is set, the failed items that may succeed later (429,
    /// 5xx) are sent again with back-off, deletes of missing documents count as done, and anything else fails the
    /// batch (the cursor is then not advanced, so the feed retries it).
    /// </summary>
    public async Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct)
    {
        var pendingUpserts = upserts.ToList();
        var pendingDeletes = deletes.ToList();
        for (var attempt = 1; pendingUpserts.Count + pendingDeletes.Count > 0; attempt++)
        {
            using var content = new StringContent(BulkBody(pendingUpserts, pendingDeletes), Encoding.UTF8, "application/x-ndjson");
            using var response = await http.PostAsync("_bulk", content, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                if (attempt < MaxBulkAttempts && (int)response.StatusCode is 429 or >= 500) { await Backoff(attempt, ct); continue; }
                throw new InvalidOperationException($"Bulk request failed: {(int)response.StatusCode} {body}");
            }
            var (retry, failures) = ParseBulkResponse(body);
            if (failures.Count > 0) throw new InvalidOperationException("Bulk items failed: " + string.Join("; ", failures));
            if (retry.Count == 0) break;
            if (attempt >= MaxBulkAttempts) throw new InvalidOperationException($"Bulk items still rejected after {attempt} attempts: {string.Join(", ", retry)}");
            pendingUpserts = pendingUpserts.Where(d => retry.Contains(d.Id)).ToList();
            pendingDeletes = pendingDeletes.Where(retry.Contains).ToList();
            await Backoff(attempt, ct);
        }

        var current = await GetFeedCursorAsync(ct);
        if (feedCursor > current)
        {
            using var put = await http.PutAsync($"{MetaIndex}/_doc/feed?refresh=true", Json(new JsonObject { ["cursor"] = feedCursor }), ct);
            put.EnsureSuccessStatusCode();
        }
    }

    private static Task Backoff(int attempt, CancellationToken ct) => Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt)), ct);

    /// <summary>Reads a _bulk response: ids to retry, and failures that will not go away by retrying.</summary>
    public static (HashSet<int> Retry, List<string> Failures) ParseBulkResponse(string body)
    {
        var retry = new HashSet<int>();
        var failures = new List<string>();
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.GetProperty("errors").GetBoolean()) return (retry, failures);
        foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            var (action, result) = item.EnumerateObject().Select(p => (p.Name, p.Value)).First();
            var status = result.GetProperty("status").GetInt32();
            if (status is >= 200 and < 300) continue;
            if (action == "delete" && status == 404) continue;
            var id = int.Parse(result.GetProperty("_id").GetString()!, CultureInfo.InvariantCulture);
            if (status is 429 or >= 500) retry.Add(id);
            else failures.Add($"{action} {id}: {status} {(result.TryGetProperty("error", out var e) ? e.GetRawText() : "")}");
        }
        return (retry, failures);
    }

    public async Task<long> GetFeedCursorAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync($"{MetaIndex}/_doc/feed", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return 0;
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.TryGetProperty("_source", out var source) ? source.GetProperty("cursor").GetInt64() : 0;
    }

    public Task<IIndexBuild> BeginRebuildAsync(CancellationToken ct) => InPlaceIndexBuild.BeginAsync(this, ct);

    public async Task ClearAsync(CancellationToken ct)
    {
        (await http.DeleteAsync(indexName, ct)).Dispose();
        (await http.DeleteAsync(MetaIndex, ct)).Dispose();
        await EnsureIndexAsync(ct);
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync($"{indexName}/_count", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return 0;
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.GetProperty("count").GetInt64();
    }

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var terms = ChineseAnalyzer.QueryTerms(request.Query);
        using var response = await http.PostAsync($"{indexName}/_search", Json(QueryBody(request, terms)), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Search failed: {(int)response.StatusCode} {body}");
        return ParseSearchResponse(body, request, terms);
    }

    /// <summary>The _search body: every term must match some field (term queries on already-analysed terms, so no
    /// query syntax is ever interpreted), filters that do not score, aggregations for the facets, a total order.</summary>
    public static JsonObject QueryBody(SearchRequest request, IReadOnlyList<string> terms)
    {
        var must = new JsonArray();
        foreach (var term in terms)
        {
            var single = term.Length == 1 && !char.IsAsciiLetterOrDigit(term[0]);
            var queries = new JsonArray();
            foreach (var (field, boost) in TextFields)
                queries.Add(new JsonObject { ["term"] = new JsonObject { [single ? field + ".uni" : field] = new JsonObject { ["value"] = term, ["boost"] = boost } } });
            must.Add(new JsonObject { ["dis_max"] = new JsonObject { ["queries"] = queries, ["tie_breaker"] = 0.1 } });
        }
        var filter = new JsonArray();
        void Terms(string field, IEnumerable<JsonNode?> values)
        {
            var list = new JsonArray(values.Take(50).ToArray());
            if (list.Count > 0) filter.Add(new JsonObject { ["terms"] = new JsonObject { [field] = list } });
        }
        Terms("category_id", request.CategoryIds.Distinct().Select(v => (JsonNode?)v));
        Terms("province_id", request.ProvinceIds.Distinct().Select(v => (JsonNode?)v));
        Terms("county_id", request.CountyIds.Distinct().Select(v => (JsonNode?)v));
        Terms("certs", LuceneSearchIndex.CertificationFlags.Where(c => request.Certifications.HasFlag(c)).Select(c => (JsonNode?)c.ToString()));
        Terms("grade", request.Grades.Where(g => Enum.IsDefined(g)).Distinct().Select(g => (JsonNode?)g.ToString()));
        if (PriceBands.Find(request.PriceBand) is { } band)
        {
            var range = new JsonObject { ["gte"] = band.FromFen };
            if (band.ToFen != long.MaxValue) range["lt"] = band.ToFen;
            filter.Add(new JsonObject { ["range"] = new JsonObject { ["price_fen"] = range } });
        }

        var size = Math.Clamp(request.PageSize, 1, 100);
        var body = new JsonObject
        {
            ["size"] = size,
            ["track_total_hits"] = true,
            ["_source"] = false,
            // The vendor-credit boost of CreditPolicy.RelevanceBoost, as a multiplier on the text score.
            ["query"] = new JsonObject
            {
                ["function_score"] = new JsonObject
                {
                    ["query"] = new JsonObject
                    {
                        ["bool"] = new JsonObject
                        {
                            ["must"] = must.Count > 0 ? must : new JsonArray(new JsonObject { ["match_all"] = new JsonObject() }),
                            ["filter"] = filter,
                        },
                    },
                    ["functions"] = new JsonArray(new[] { CreditGrade.A, CreditGrade.B }.Select(g => (JsonNode)new JsonObject
                    {
                        ["filter"] = new JsonObject { ["term"] = new JsonObject { ["grade"] = g.ToString() } },
                        ["weight"] = CreditPolicy.RelevanceBoost(g),
                    }).ToArray()),
                    ["score_mode"] = "first",
                    ["boost_mode"] = "multiply",
                },
            },
            ["sort"] = SortFor(request.Sort),
            ["aggs"] = new JsonObject
            {
                ["category"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = "category_id", ["size"] = 50 } },
                ["province"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = "province_id", ["size"] = 40 } },
                ["county"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = "county_id", ["size"] = 20 } },
                ["cert"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = "certs", ["size"] = 10 } },
                ["grade"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = "grade", ["size"] = 5 } },
                ["price"] = new JsonObject
                {
                    ["range"] = new JsonObject
                    {
                        ["field"] = "price_fen",
                        ["ranges"] = new JsonArray(PriceBands.All.Select(b =>
                        {
                            var r = new JsonObject { ["key"] = b.Key, ["from"] = b.FromFen };
                            if (b.ToFen != long.MaxValue) r["to"] = b.ToFen;
                            return (JsonNode)r;
                        }).ToArray()),
                    },
                },
            },
        };
        if (DecodeAfter(request.After, request.Sort) is { } after) body["search_after"] = after;
        else body["from"] = (Math.Clamp(request.Page, 1, SearchRequest.MaxPage) - 1) * size;
        return body;
    }

    private static JsonArray SortFor(SearchSort sort)
    {
        JsonObject By(string field, string order) => new() { [field] = new JsonObject { ["order"] = order } };
        return sort switch
        {
            SearchSort.PriceAsc => [By("price_fen", "asc"), By("id", "desc")],
            SearchSort.PriceDesc => [By("price_fen", "desc"), By("id", "desc")],
            SearchSort.Newest => [By("listed_at", "desc"), By("id", "desc")],
            SearchSort.Sales => [By("sales", "desc"), By("id", "desc")],
            SearchSort.Credit => [By("credit_rank", "desc"), By("id", "desc")],
            _ => [By("_score", "desc"), By("id", "desc")],
        };
    }

    public static SearchResult ParseSearchResponse(string body, SearchRequest request, IReadOnlyList<string> terms)
    {
        using var doc = JsonDocument.Parse(body);
        var hitsElement = doc.RootElement.GetProperty("hits");
        var total = hitsElement.GetProperty("total").GetProperty("value").GetInt64();
        var hits = new List<SearchHit>();
        JsonElement? lastSort = null;
        foreach (var hit in hitsElement.GetProperty("hits").EnumerateArray())
        {
            var score = hit.TryGetProperty("_score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetSingle() : 0f;
            hits.Add(new SearchHit(int.Parse(hit.GetProperty("_id").GetString()!, CultureInfo.InvariantCulture), score));
            if (hit.TryGetProperty("sort", out var sortValues)) lastSort = sortValues.Clone();
        }
        var facets = new Dictionary<string, IReadOnlyList<FacetCount>>();
        if (doc.RootElement.TryGetProperty("aggregations", out var aggs))
            foreach (var name in new[] { "category", "province", "county", "cert", "price", "grade" })
            {
                if (!aggs.TryGetProperty(name, out var agg)) continue;
                facets[name] = agg.GetProperty("buckets").EnumerateArray()
                    .Select(b => new FacetCount(
                        b.GetProperty("key").ValueKind == JsonValueKind.Number ? b.GetProperty("key").GetInt64().ToString(CultureInfo.InvariantCulture) : b.GetProperty("key").GetString()!,
                        name switch
                        {
                            "price" => PriceBands.Find(b.GetProperty("key").GetString())?.Label ?? "",
                            "cert" => Enum.TryParse<Certification>(b.GetProperty("key").GetString(), out var c) ? LuceneSearchIndex.CertificationLabel(c) : "",
                            "grade" => Enum.TryParse<CreditGrade>(b.GetProperty("key").GetString(), out var g) ? CreditPolicy.Label(g) : "",
                            _ => "",
                        },
                        b.GetProperty("doc_count").GetInt64()))
                    .Where(f => f.Count > 0).ToList();
            }
        var size = Math.Clamp(request.PageSize, 1, 100);
        var consumed = request.After is null ? (long)(Math.Clamp(request.Page, 1, SearchRequest.MaxPage) - 1) * size + hits.Count : 0;
        var hasMore = request.After is null ? total > consumed : hits.Count == size;
        var next = hasMore && lastSort is { } ls ? EncodeAfter(ls, request.Sort) : null;
        return new SearchResult(total, hits, facets, next, terms);
    }

    private static string EncodeAfter(JsonElement sortValues, SearchSort sort)
    {
        var json = new JsonObject { ["s"] = (int)sort, ["v"] = JsonNode.Parse(sortValues.GetRawText()) }.ToJsonString();
        return Base64Url.Encode(json);
    }

    private static JsonArray? DecodeAfter(string? cursor, SearchSort sort)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 300) return null;
        try
        {
            var node = JsonNode.Parse(Base64Url.Decode(cursor));
            if (node?["s"]?.GetValue<int>() != (int)sort || node["v"] is not JsonArray values || values.Count != 2) return null;
            if (values.Any(v => v is not JsonValue)) return null;
            return (JsonArray)values.DeepClone();
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(Wire), Encoding.UTF8, "application/json");

    public static string Serialize(JsonNode node) => node.ToJsonString(Wire);
}
