using System.Data;
using System.Data.Common;
using Marketplace.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

using Microsoft.EntityFrameworkCore.Storage;

namespace Marketplace.Data;

/// <summary>
/// Inserts many rows at once, bypassing the change tracker (seeding 1M products through SaveChanges would take
/// many minutes). Column names and value conversions come from the EF model, so the table mapping is never
/// written twice. Keys are inserted as given: the generator assigns them so that rows can reference each other.
/// Inside a transaction the caller began on the context (db.Database.BeginTransaction), the rows join it and the
/// caller commits; otherwise the loader commits in chunks of its own.
/// </summary>
public interface IBulkLoader
{
    Task<long> InsertAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class;

    /// <summary>As <see cref="InsertAsync{T}"/>, but the database assigns the generated keys (identity columns are left out).</summary>
    Task<long> InsertGeneratingKeysAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class;
}

public static class BulkLoader
{
    public static IBulkLoader For(MarketplaceDbContext db) =>
        db.Database.ProviderName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => new SqliteBulkLoader(db),
            "Microsoft.EntityFrameworkCore.SqlServer" => new SqlServerBulkLoader(db),
            "Npgsql.EntityFrameworkCore.PostgreSQL" => new PostgreSqlBulkLoader(db),
            var other => throw new NotSupportedException($"No bulk loader for provider {other}."),
        };

    internal sealed record Column(string Name, Func<object, object?> Read, string StoreType);

    internal static (string Table, IReadOnlyList<Column> Columns) Map<T>(MarketplaceDbContext db, bool generatedKeys = false)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => p.GetColumnName(store) is not null)
            .Where(p => !generatedKeys || !(p.IsPrimaryKey() && p.ValueGenerated == Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd))
            .Select(p =>
            {
                var getter = p.GetGetter();
                var converter = p.GetTypeMapping().Converter;
                Func<object, object?> read = converter is null
                    ? e => getter.GetClrValue(e)
                    : e => getter.GetClrValue(e) is { } v ? converter.ConvertToProvider(v) : null;
                return new Column(p.GetColumnName(store)!, read, p.GetColumnType(store));
            })
            .ToList();
        return (table, columns);
    }
}

internal sealed class SqliteBulkLoader(MarketplaceDbContext db) : IBulkLoader
{
    private const int RowsPerTransaction = 50_000;

    public Task<long> InsertAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class => Insert(rows, false, ct);

    public Task<long> InsertGeneratingKeysAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class => Insert(rows, true, ct);

    private async Task<long> Insert<T>(IEnumerable<T> rows, bool generatedKeys, CancellationToken ct) where T : class
    {
        var (table, columns) = BulkLoader.Map<T>(db, generatedKeys);
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            long count = 0;
            var ambient = db.Database.CurrentTransaction?.GetDbTransaction();
            DbTransaction? tx = ambient;
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) " +
                              $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
            var parameters = columns.Select((_, i) =>
            {
                var p = cmd.CreateParameter();
                p.ParameterName = $"$p{i}";
                cmd.Parameters.Add(p);
                return p;
            }).ToArray();
            if (ambient is not null)
            {
                cmd.Transaction = ambient;
                cmd.Prepare();
            }
            try
            {
                foreach (var row in rows)
                {
                    if (tx is null)
                    {
                        tx = await connection.BeginTransactionAsync(ct);
                        cmd.Transaction = tx;
                        cmd.Prepare();
                    }
                    for (var i = 0; i < columns.Count; i++) parameters[i].Value = columns[i].Read(row) ?? DBNull.Value;
                    await cmd.ExecuteNonQueryAsync(ct);
                    if (++count % RowsPerTransaction == 0 && ambient is null)
                    {
                        await tx.CommitAsync(ct);
                        await tx.DisposeAsync();
                        tx = null;
                    }
                }
                if (tx is not null && ambient is null) await tx.CommitAsync(ct);
            }
            finally
            {
                if (tx is not null && ambient is null) await tx.DisposeAsync();
            }
            return count;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }
}

internal sealed class SqlServerBulkLoader(MarketplaceDbContext db) : IBulkLoader
{
    private const int BatchRows = 20_000;

    public Task<long> InsertAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class => Insert(rows, false, ct);

    public Task<long> InsertGeneratingKeysAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class => Insert(rows, true, ct);

    private async Task<long> Insert<T>(IEnumerable<T> rows, bool generatedKeys, CancellationToken ct) where T : class
    {
        var (table, columns) = BulkLoader.Map<T>(db, generatedKeys);
        var connection = (SqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            var ambient = (SqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            using var bulk = new SqlBulkCopy(connection, (generatedKeys ? 0 : SqlBulkCopyOptions.KeepIdentity) | SqlBulkCopyOptions.CheckConstraints | SqlBulkCopyOptions.TableLock, ambient)
            {
                DestinationTableName = $"[{table}]",
                BatchSize = BatchRows,
                BulkCopyTimeout = 0,
            };
            var data = new DataTable();
            foreach (var c in columns)
            {
                data.Columns.Add(c.Name, typeof(object));
                bulk.ColumnMappings.Add(c.Name, c.Name);
            }
            long count = 0;
            foreach (var row in rows)
            {
                data.Rows.Add(columns.Select(c => c.Read(row) ?? DBNull.Value).ToArray());
                count++;
                if (data.Rows.Count == BatchRows)
                {
                    await bulk.WriteToServerAsync(data, ct);
                    data.Clear();
                }
            }
            if (data.Rows.Count > 0) await bulk.WriteToServerAsync(data, ct);
            return count;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }
}

/// <summary>PostgreSQL: binary COPY, the fastest way in; identity sequences are moved past keys given explicitly.</summary>
internal sealed class PostgreSqlBulkLoader(MarketplaceDbContext db) : IBulkLoader
{
    public Task<long> InsertAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class => Insert(rows, false, ct);

    public Task<long> InsertGeneratingKeysAsync<T>(IEnumerable<T> rows, CancellationToken ct = default) where T : class => Insert(rows, true, ct);

    /// <summary>The column's type without its modifier: "character varying(100)" is written as "character varying".</summary>
    private static string TypeName(string storeType) => storeType.IndexOf('(') is var i and > 0 ? storeType[..i].Trim() : storeType;

    private async Task<long> Insert<T>(IEnumerable<T> rows, bool generatedKeys, CancellationToken ct) where T : class
    {
        var (table, columns) = BulkLoader.Map<T>(db, generatedKeys);
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            long count = 0;
            await using (var writer = await connection.BeginBinaryImportAsync(
                             $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in rows)
                {
                    await writer.StartRowAsync(ct);
                    foreach (var c in columns)
                    {
                        if (c.Read(row) is { } value) await writer.WriteAsync(value, TypeName(c.StoreType), ct);
                        else await writer.WriteNullAsync(ct);
                    }
                    count++;
                }
                await writer.CompleteAsync(ct);
            }
            // Keys given explicitly do not move an identity column's sequence: move it past them.
            var entity = db.Model.FindEntityType(typeof(T))!;
            if (!generatedKeys && entity.FindPrimaryKey()?.Properties is [{ ValueGenerated: Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd } key]
                && key.ClrType is var t && (t == typeof(int) || t == typeof(long)))
            {
                var column = key.GetColumnName(StoreObjectIdentifier.Table(table, entity.GetSchema()))!;
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), GREATEST((SELECT MAX(\"{column}\") FROM \"{table}\"), 1))";
                await cmd.ExecuteScalarAsync(ct);
            }
            return count;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }
}
