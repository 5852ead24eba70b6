using System.Diagnostics;
using System.Net;

namespace Marketplace.Tools;

/// <summary>
/// A bounded load run against a running marketplace on this machine: N concurrent clients request the given paths
/// in turn for a fixed time (and at most a fixed number of requests), then latency percentiles per path are printed.
/// Only loopback addresses are accepted: this is for measuring our own app, never anybody else's.
/// </summary>
public static class LoadCommand
{
    public static async Task<int> RunAsync(Dictionary<string, string> o)
    {
        var baseUrl = new Uri(o.GetValueOrDefault("url") ?? "http://127.0.0.1:5080");
        if (!IsLoopback(baseUrl))
            throw new ArgumentException($"--url must be a loopback address (127.0.0.0/8, localhost, [::1]); got {baseUrl.Host}.");
        var paths = (o.GetValueOrDefault("paths") ?? "/,/categories/1,/products/1,/search?q=%E5%A4%A7%E7%B1%B3")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var seconds = Math.Clamp(int.Parse(o.GetValueOrDefault("seconds") ?? "10"), 1, 300);
        var concurrency = Math.Clamp(int.Parse(o.GetValueOrDefault("concurrency") ?? "8"), 1, 64);
        var maxRequests = Math.Clamp(int.Parse(o.GetValueOrDefault("max-requests") ?? "200000"), 1, 1_000_000);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        // Warm up each path once so start-up costs (JIT, first query) are not counted.
        foreach (var path in paths) (await http.GetAsync(path)).Dispose();

        var results = paths.ToDictionary(p => p, _ => new List<double>());
        var errors = 0;
        var issued = 0;
        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var local = paths.ToDictionary(p => p, _ => new List<double>());
            var i = worker;
            while (stop.Elapsed < deadline && Interlocked.Increment(ref issued) <= maxRequests)
            {
                var path = paths[i++ % paths.Length];
                var t = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound) local[path].Add(ms);
                else Interlocked.Increment(ref errors);
            }
            lock (results) foreach (var (p, l) in local) results[p].AddRange(l);
        }));
        var elapsed = stop.Elapsed.TotalSeconds;

        Console.WriteLine($"{baseUrl} · {concurrency} clients · {elapsed:0.0} s · {Environment.ProcessorCount} cores · {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"{"path",-40} {"requests",9} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
        foreach (var (path, list) in results)
        {
            list.Sort();
            Console.WriteLine($"{path,-40} {list.Count,9} {list.Count / elapsed,8:0} {Pct(list, 50),8:0.0} {Pct(list, 95),8:0.0} {Pct(list, 99),8:0.0}");
        }
        var total = results.Values.Sum(l => l.Count);
        Console.WriteLine($"{"all",-40} {total,9} {total / elapsed,8:0}   errors: {errors}");
        return errors == 0 ? 0 : 1;
    }

    internal static double Pct(List<double> sorted, int p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
