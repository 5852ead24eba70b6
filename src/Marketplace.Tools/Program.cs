using System.Diagnostics;
using Marketplace.Data;
using Marketplace.Seed;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Tools;

/// <summary>
/// Operations commands. Examples:
///   dotnet run --project src/Marketplace.Tools -- seed --db bench/1m.db --products 1000000
///   dotnet run --project src/Marketplace.Tools -- migrate --provider SqlServer --connection "Server=…"
/// </summary>
public static class Program
{
    private const string Usage = """
        Marketplace.Tools — operations commands

          migrate  [--provider Sqlite|SqlServer] [--db FILE | --connection STRING]
              Apply the schema migrations.
          seed     [--provider …] [--db FILE | --connection STRING] [--products N] [--vendors N] [--units N] [--seed N]
                   [--year Y] [--ledger-entries N] [--quota true|false]
              Migrate, load reference data, then generate the demo marketplace with bulk inserts
              (only into a database without vendors). Vendors and units scale with --products unless given.
              With it a year of reserved shares (default the current year): policies, filings, plans and about
              --ledger-entries purchase lines (default two a month per unit), then month end for its closed months.
              Default: 5000 products, 200 vendors, 300 units, seed 832 (the demo the web app seeds).
          month-end [--db FILE | …] --year Y --month M [--region CODE] [--out alerts.csv] [--covering-baseline true]
              Run month end for a closed month (whole platform unless --region); prints the time, phases and peak
              memory next to a bare SQL aggregate of the same ledger (with --covering-baseline, over a covering index
              built for the measurement and dropped after); --out writes the month's alerts as CSV (UTF-8 BOM).
          bench-finance [--db FILE | …] [--year Y --month M] [--region CODE] [--iterations 20]
              p50/p95 of the dashboard's sections and a full CSV export for a region, on a seeded database.

          store-files [--db FILE | …] --data-folder FOLDER
              Copy a node's uploaded files (its DataFolder's images/ and invoices/) into the database, for
              Storage:Provider=Database (one node becoming several). Files already there are kept; safe to repeat.
          reindex  [--db FILE | …] [--index FOLDER] [--buffer-mb 512]
              Rebuild the embedded search index from the database (default folder: App_Data/search-index).
          baseline-server [--db FILE | …] [--url http://127.0.0.1:5099]
              The thinnest MVC + EF Core page listing a category's newest 20 products (GET /categories/{id}), for
              load runs that compare the storefront with it in the same session.
          bench-search [--db FILE | …] [--index FOLDER] [--iterations 200] [--like-iterations 10] [--rebuild true] [--only TEXT]
              p50/p95/p99 of typical queries on the index, next to a SQL LIKE scan of the same database
              (--only: just the queries whose name contains TEXT, e.g. 茶).
          bench-analysis [--db FILE | …] [--products 100000] [--rounds 7]
              Index-time analysis of the products' text: Lucene's chain against the engine's single pass, in
              alternating rounds in one process (the median round of each and their ratio).
          load     [--url http://127.0.0.1:5080] [--paths /,/categories/1,…] [--seconds 10] [--concurrency 8]
              Bounded load against a running app on loopback; prints p50/p95/p99 per path.
          load     --scenario checkout [--db FILE | …] [--url …] [--seconds 30] [--buyers 8] [--visitors 4] [--products 4]
                   [--stock 60] [--password P] [--flow trade|orders]
              Visitors browse and search while buyers (accounts load.buyer.N, one per unit, created or reset in the
              database) check out scarce products (--products of distinct vendors, stock set to --stock) and accept and
              evaluate what is shipped, and those vendors (load.vendor.ID) confirm transfers, ship and upload invoices,
              all through the pages. Prints p50/p95/p99 per route and every error, then checks in the database that
              stock + ordered = starting stock, order totals = their lines, and one ledger credit per completed order.
              --flow orders: buyers only add to carts and check out (orders per second), vendors stay idle.
              --url A,B: several nodes of the app on one database; the users are spread over them.
              Start the app with raised budgets: RateLimits__SignInsPerMinute, __SearchesPerMinute, __UploadsPerMinute.

        Defaults: --provider Sqlite --db App_Data/marketplace.db
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var options = ParseOptions(args.Skip(1).ToArray());
            return args[0] switch
            {
                "migrate" => await MigrateAsync(options),
                "seed" => await SeedAsync(options),
                "load" => options.GetValueOrDefault("scenario") == "checkout"
                    ? await WithDb(options, db => CheckoutLoad.RunAsync(db, options))
                    : await LoadCommand.RunAsync(options),
                "month-end" => await WithDb(options, db => FinanceCommands.MonthEndAsync(db, Int(options, "year", 0), Int(options, "month", 0),
                    Int(options, "region", 0), options.GetValueOrDefault("out"), options.GetValueOrDefault("covering-baseline") == "true")),
                "bench-finance" => await WithDb(options, db => FinanceCommands.BenchAsync(db, Int(options, "year", 0), Int(options, "month", 0),
                    Int(options, "region", 0), Int(options, "iterations", 20))),
                "baseline-server" => await BaselineServer.RunAsync(Database(options), options),
                "store-files" => await WithDb(options, db => StorageCommands.RunAsync(db, options)),
                "reindex" => await WithDb(options, db => SearchCommands.ReindexAsync(db, IndexPath(options),
                    Int(options, "buffer-mb", Marketplace.Search.LuceneSearchIndex.DefaultRebuildBufferMB))),
                "bench-search" => await WithDb(options, db => SearchCommands.BenchAsync(db, IndexPath(options),
                    Int(options, "iterations", 200), Int(options, "like-iterations", 10), options.GetValueOrDefault("rebuild") == "true",
                    options.GetValueOrDefault("only"))),
                "bench-analysis" => await WithDb(options, db => SearchCommands.BenchAnalysisAsync(db, Int(options, "products", 100_000), Int(options, "rounds", 7))),
                _ => Fail($"Unknown command '{args[0]}'.\n\n{Usage}"),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return Fail(ex.Message + "\n\n" + Usage);
        }
        catch (InvalidOperationException ex)
        {
            return Fail(ex.Message);
        }
        catch (Marketplace.Domain.DomainException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static async Task<int> MigrateAsync(Dictionary<string, string> o)
    {
        await using var db = DataServiceCollectionExtensions.CreateContext(Database(o));
        await new DatabaseInitializer(db, Console.WriteLine).MigrateAsync();
        Console.WriteLine($"Migrated ({db.Database.ProviderName}).");
        return 0;
    }

    private static async Task<int> SeedAsync(Dictionary<string, string> o)
    {
        var products = Int(o, "products", 5_000);
        var scaled = DemoDataOptions.ForProducts(products, Int(o, "seed", 832));
        var demo = scaled with
        {
            Vendors = Int(o, "vendors", products == 5_000 ? 200 : scaled.Vendors),
            BudgetUnits = Int(o, "units", products == 5_000 ? 300 : scaled.BudgetUnits),
            QuotaYear = o.ContainsKey("year") ? Int(o, "year", 0) : null,
            LedgerEntries = o.TryGetValue("ledger-entries", out var entries) ? long.Parse(entries, System.Globalization.CultureInfo.InvariantCulture) : null,
            Quota = o.GetValueOrDefault("quota") != "false",
        };
        var sw = Stopwatch.StartNew();
        await using var db = DataServiceCollectionExtensions.CreateContext(Database(o));
        var init = new DatabaseInitializer(db, Console.WriteLine);
        await init.MigrateAsync();
        await init.SeedReferenceDataAsync();
        if (!await init.SeedDemoDataAsync(demo))
        {
            Console.WriteLine("The database already has vendors; nothing generated. Use a new database file.");
            return 0;
        }
        var count = await db.Products.CountAsync();
        Console.WriteLine($"Done in {sw.Elapsed.TotalSeconds:0.0} s: {count:N0} products ({count / Math.Max(0.001, sw.Elapsed.TotalSeconds):N0} rows/s overall).");
        return 0;
    }

    private static async Task<int> WithDb(Dictionary<string, string> o, Func<MarketplaceDbContext, Task<int>> run)
    {
        await using var db = DataServiceCollectionExtensions.CreateContext(Database(o));
        await new DatabaseInitializer(db, Console.WriteLine).MigrateAsync();
        return await run(db);
    }

    private static string IndexPath(Dictionary<string, string> o) =>
        Path.GetFullPath(o.GetValueOrDefault("index") ?? Path.Combine("App_Data", "search-index"));

    private static DatabaseOptions Database(Dictionary<string, string> o)
    {
        var db = o.GetValueOrDefault("db") ?? Path.Combine("App_Data", "marketplace.db");
        var options = DatabaseOptions.Read(key => key switch
        {
            "Database:Provider" => o.GetValueOrDefault("provider"),
            "Database:ConnectionString" => o.GetValueOrDefault("connection"),
            _ => null,
        }, Path.GetFullPath(db));
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(source));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        return options;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.");
            result[args[i][2..]] = args[++i];
        }
        return result;
    }

    private static int Int(Dictionary<string, string> o, string name, int fallback)
    {
        if (!o.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, out var v) && v >= 0 ? v : throw new ArgumentException($"--{name} must be a whole number ≥ 0, got '{text}'.");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
