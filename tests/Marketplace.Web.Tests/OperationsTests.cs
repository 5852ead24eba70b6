using Microsoft.Extensions.Configuration;
using System.Net;
using System.Text.Json;
using Marketplace.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace Marketplace.Web.Tests;

public class OperationsTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task Health_reports_the_database_as_healthy()
    {
        var response = await app.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Data_protection_keys_live_in_the_database_so_any_node_can_read_any_cookie()
    {
        var client = app.CreateBrowser();
        await client.LoginAsync("admin", Infrastructure.DemoAccounts.Password);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        Assert.True(await db.DataProtectionKeys.AnyAsync());
    }

    [SqliteOnlyFact]
    public void The_database_is_a_file_in_the_configured_data_folder()
    {
        Assert.True(File.Exists(Path.Combine(app.DataFolder, "marketplace.db")));
    }
}

public class BrokenDatabaseHealthTests
{
    [SqliteOnlyFact]
    public async Task A_database_file_that_is_no_longer_a_database_is_unhealthy_and_the_reason_stays_private()
    {
        using var app = new MarketplaceAppFactory();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        // The file overwritten under the running app (as a bad restore or a full disk can leave it).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = Path.Combine(app.DataFolder, "marketplace.db");
        foreach (var f in new[] { file + "-wal", file + "-shm" }) if (File.Exists(f)) File.Delete(f);
        await File.WriteAllBytesAsync(file, new byte[8192]);
        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("error").ValueKind);
    }
}

public class ConfigurationFailureTests
{
    private sealed class BadProviderFactory(string key, string value) : MarketplaceAppFactory
    {
        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var s = base.Settings;
                s[key] = value;
                return s;
            }
        }
    }

    [Theory]
    [InlineData("Database:Provider", "Oracle", "Sqlite")]
    [InlineData("Search:Provider", "Solr", "Lucene")]
    public void An_unknown_provider_stops_the_app_at_start_with_a_clear_message(string key, string value, string hint)
    {
        using var factory = new BadProviderFactory(key, value);
        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var message = ex is AggregateException agg ? string.Join(" ", agg.Flatten().InnerExceptions.Select(e => e.Message)) : ex.Message;
        Assert.Contains($"'{value}'", message);
        Assert.Contains(hint, message);
        Assert.Contains("不受支持", message);
    }
}

public class SearchSettingsTests
{
    private static Marketplace.Web.Infrastructure.SearchSettings Read(string? buffer) =>
        Marketplace.Web.Infrastructure.SearchSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Search:Lucene:RebuildBufferMB"] = buffer }).Build(), "/srv/app");

    [Fact]
    public void The_in_app_rebuild_buffer_defaults_to_128_MiB_and_takes_a_whole_number()
    {
        Assert.Equal(128, Read(null).LuceneRebuildBufferMB);
        Assert.Equal(512, Read(" 512 ").LuceneRebuildBufferMB);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("8")]
    [InlineData("-128")]
    [InlineData("99999")]
    public void A_rebuild_buffer_out_of_range_stops_the_app_with_a_clear_message(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Read(value));
        Assert.Contains($"'{value}'", ex.Message);
        Assert.Contains("16 to 16384", ex.Message);
        Assert.Contains("须为16到16384之间的整数", ex.Message);
    }
}

public class DockerComposeTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Compose_runs_the_app_against_SqlServer_and_Elasticsearch()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(RepoRoot(), "docker-compose.yml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = (YamlMappingNode)root["services"];
        var names = services.Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Contains("app", names);
        Assert.Contains("sqlserver", names);
        Assert.Contains("elasticsearch", names);

        var app = (YamlMappingNode)services["app"];
        var env = ((YamlMappingNode)app["environment"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        Assert.Equal("SqlServer", env["Database__Provider"]);
        Assert.Equal("Elasticsearch", env["Search__Provider"]);
        Assert.Contains("Server=sqlserver", env["Database__ConnectionString"]);
        Assert.Equal("elasticsearch", new Uri(env["Search__Elasticsearch__Nodes"]).Host);
        // Elasticsearch 9 with security on: the app signs in with the password the cluster is started with.
        var es = (YamlMappingNode)services["elasticsearch"];
        var esEnv = ((YamlMappingNode)es["environment"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        Assert.StartsWith("docker.elastic.co/elasticsearch/elasticsearch:9.", es["image"].ToString());
        Assert.Equal("true", esEnv["xpack.security.enabled"]);
        Assert.Equal(esEnv["ELASTIC_PASSWORD"], env["Search__Elasticsearch__Password"]);

        // The connection string's password is the one the SQL Server container is started with.
        var sql = (YamlMappingNode)services["sqlserver"];
        var sqlEnv = ((YamlMappingNode)sql["environment"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        Assert.Contains("Password=" + sqlEnv["MSSQL_SA_PASSWORD"], env["Database__ConnectionString"]);

        var dependsOn = app["depends_on"] switch
        {
            YamlMappingNode m => m.Children.Keys.Select(k => k.ToString()).ToList(),
            YamlSequenceNode s => s.Children.Select(k => k.ToString()).ToList(),
            _ => [],
        };
        Assert.Contains("sqlserver", dependsOn);
        Assert.Contains("elasticsearch", dependsOn);
    }

    [Fact]
    public void The_scaleout_profile_runs_two_nodes_on_one_postgres_database_behind_the_proxy()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(RepoRoot(), "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        Dictionary<string, string> Env(string name)
        {
            var node = (YamlMappingNode)services[name];
            var env = (YamlMappingNode)node["environment"];
            // node2 merges node1's settings (<<: *node) and overrides two of them.
            var merged = env.Children.Where(kv => kv.Key.ToString() == "<<").Select(kv => (YamlMappingNode)kv.Value)
                .SelectMany(m => m.Children).ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
            foreach (var kv in env.Children.Where(kv => kv.Key.ToString() != "<<")) merged[kv.Key.ToString()] = kv.Value.ToString();
            return merged;
        }
        var (one, two) = (Env("node1"), Env("node2"));
        Assert.All(new[] { one, two }, e => Assert.Equal("PostgreSql", e["Database__Provider"]));
        Assert.Equal(one["Database__ConnectionString"], two["Database__ConnectionString"]);
        Assert.Contains("Host=postgres", one["Database__ConnectionString"]);
        Assert.Equal(("true", "false"), (one["Database__MigrateOnStartup"], two["Database__MigrateOnStartup"]));
        Assert.Equal(("true", "false"), (one["Seed__Demo"], two["Seed__Demo"]));
        Assert.All(new[] { "postgres", "node1", "node2", "proxy" }, name =>
            Assert.Equal("scaleout", ((YamlSequenceNode)((YamlMappingNode)services[name])["profiles"]).Children.Single().ToString()));

        var nginx = File.ReadAllText(Path.Combine(RepoRoot(), "deploy", "nginx.conf"));
        Assert.Contains("server node1:8080", nginx);
        Assert.Contains("server node2:8080", nginx);
        Assert.Contains("X-Forwarded-For", nginx);
    }
}

public class EncryptedKeyRingTests
{
    private sealed class Factory(string pfx) : MarketplaceAppFactory
    {
        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var s = base.Settings;
                s["DataProtection:Certificate"] = pfx;
                s["DataProtection:CertificatePassword"] = "test-password";
                return s;
            }
        }
    }

    [Fact]
    public async Task With_a_certificate_the_key_ring_in_the_database_is_encrypted()
    {
        var folder = Directory.CreateTempSubdirectory("mp-dp-").FullName;
        var pfx = Path.Combine(folder, "dp.pfx");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test data protection", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "test-password"));
        }
        using var app = new Factory(pfx);
        var client = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync("admin", Infrastructure.DemoAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).StatusCode);
        var xml = await app.Db(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(xml);
        Assert.All(xml, x => Assert.Contains("EncryptedData", x));
        Assert.All(xml, x => Assert.DoesNotContain("<masterKey", x));
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }
}
