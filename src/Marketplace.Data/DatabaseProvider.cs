namespace Marketplace.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; init; } = "";
    /// <summary>Apply migrations at start. Turn off when several nodes start at once and a deploy step migrates.</summary>
    public bool MigrateOnStartup { get; init; } = true;

    /// <summary>
    /// SQLite's <c>synchronous</c> level (write-ahead log mode). Full: every commit is flushed to disk before it returns.
    /// Normal: commits survive an application crash, but the last ones may be lost if the machine loses power or the
    /// operating system crashes; in exchange a commit no longer waits for the disk.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>
    /// Reads and checks the "Database" section, failing fast with a message a person can act on:
    /// a typo in the provider must never fall back silently to another database.
    /// </summary>
    public static DatabaseOptions Read(Func<string, string?> get, string defaultSqlitePath)
    {
        var providerText = get("Database:Provider");
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerText))
            provider = DatabaseProvider.Sqlite;
        else if (!Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider) || !Enum.IsDefined(provider)
                 || int.TryParse(providerText, out _))
            throw new InvalidOperationException(
                $"Database:Provider '{providerText}' is not supported; use 'Sqlite', 'SqlServer' or 'PostgreSql'. " +
                $"数据库类型 Database:Provider “{providerText}” 不受支持，请使用 Sqlite、SqlServer 或 PostgreSql。");

        var connection = get("Database:ConnectionString");
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (provider != DatabaseProvider.Sqlite)
                throw new InvalidOperationException(
                    $"Database:ConnectionString is required when Database:Provider is {provider}. " +
                    $"使用 {provider} 时必须配置 Database:ConnectionString。");
            connection = $"Data Source={defaultSqlitePath}";
        }

        var migrateText = get("Database:MigrateOnStartup");
        var migrate = string.IsNullOrWhiteSpace(migrateText) || bool.Parse(migrateText);
        var syncText = get("Database:SqliteSynchronous");
        var synchronous = SqliteSynchronous.Full;
        if (!string.IsNullOrWhiteSpace(syncText)
            && (!Enum.TryParse(syncText.Trim(), ignoreCase: true, out synchronous) || !Enum.IsDefined(synchronous) || int.TryParse(syncText, out _)))
            throw new InvalidOperationException(
                $"Database:SqliteSynchronous '{syncText}' is not supported; use 'Full' or 'Normal'. " +
                $"Database:SqliteSynchronous “{syncText}” 不受支持，请使用 Full 或 Normal。");
        return new DatabaseOptions { Provider = provider, ConnectionString = connection, MigrateOnStartup = migrate, SqliteSynchronous = synchronous };
    }
}

/// <summary>SQLite's durability levels offered (see <see cref="DatabaseOptions.SqliteSynchronous"/>).</summary>
public enum SqliteSynchronous
{
    Full,
    Normal,
}
