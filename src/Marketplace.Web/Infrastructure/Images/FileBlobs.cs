using Marketplace.Data;
using Marketplace.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Infrastructure.Images;

/// <summary>
/// Where uploaded files are kept, by name: a node's own folder (one node, the embedded default) or the database
/// (<c>Storage:Provider=Database</c>: every web node serves what any node stored, so nodes keep no files of their own).
/// </summary>
public interface IFileBlobs
{
    /// <summary>Stores every file or none.</summary>
    Task PutAsync(IReadOnlyList<(string Name, byte[] Content)> files, CancellationToken ct);

    Task<Stream?> OpenReadAsync(string name, CancellationToken ct);

    void Delete(IReadOnlyList<string> names);
}

public sealed class FolderBlobs(string root) : IFileBlobs
{
    public string Root { get; } = Directory.CreateDirectory(root).FullName;

    public async Task PutAsync(IReadOnlyList<(string Name, byte[] Content)> files, CancellationToken ct)
    {
        var written = new List<string>();
        try
        {
            foreach (var (name, content) in files)
            {
                var path = PathOf(name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // Write to a temporary name, then rename: a reader never sees half a file.
                await File.WriteAllBytesAsync(path + ".tmp", content, ct);
                File.Move(path + ".tmp", path, overwrite: true);
                written.Add(path);
            }
        }
        catch
        {
            foreach (var path in written) TryDelete(path);
            foreach (var (name, _) in files) TryDelete(PathOf(name) + ".tmp");
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken ct)
    {
        var path = PathOf(name);
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    }

    public void Delete(IReadOnlyList<string> names)
    {
        foreach (var name in names) TryDelete(PathOf(name));
    }

    public IEnumerable<string> AllFiles() => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories);

    private string PathOf(string name) => Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}

/// <summary>Files in the database's <c>StoredFiles</c> table under a prefix (<c>images/…</c>, <c>invoices/…</c>).</summary>
public sealed class DatabaseBlobs(IServiceScopeFactory scopes, string prefix) : IFileBlobs
{
    private string Full(string name) => prefix + "/" + name;

    public async Task PutAsync(IReadOnlyList<(string Name, byte[] Content)> files, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var now = DateTime.UtcNow;
        db.StoredFiles.AddRange(files.Select(f => new StoredFile { Name = Full(f.Name), Content = f.Content, CreatedAt = now }));
        await db.SaveChangesAsync(ct); // one transaction: all or none
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var full = Full(name);
        var content = await db.StoredFiles.AsNoTracking().Where(f => f.Name == full).Select(f => f.Content).FirstOrDefaultAsync(ct);
        return content is null ? null : new MemoryStream(content, writable: false);
    }

    public void Delete(IReadOnlyList<string> names)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var full = names.Select(Full).ToList();
        db.StoredFiles.Where(f => full.Contains(f.Name)).ExecuteDelete();
    }
}
