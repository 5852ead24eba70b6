using Marketplace.Data;
using Marketplace.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Tools;

/// <summary>
/// store-files: copies a node's uploaded files (its data folder's <c>images/</c> and <c>invoices/</c>) into the
/// database's <c>StoredFiles</c>, under the names the web app's database store reads, for a move to
/// <c>Storage:Provider=Database</c> (one node becoming several). Files already stored are left as they are, so a run
/// can be repeated; half-written uploads (<c>*.tmp</c>) are skipped.
/// </summary>
public static class StorageCommands
{
    public static readonly string[] Stores = ["images", "invoices"];
    private const int Chunk = 500;

    public static async Task<(int Copied, int Present)> StoreFilesAsync(MarketplaceDbContext db, string dataFolder, CancellationToken ct = default)
    {
        if (!Directory.Exists(dataFolder)) throw new ArgumentException($"--data-folder '{dataFolder}' does not exist.");
        var (copied, present) = (0, 0);
        foreach (var store in Stores)
        {
            var root = Path.Combine(dataFolder, store);
            if (!Directory.Exists(root)) continue;
            var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(path => !path.EndsWith(".tmp", StringComparison.Ordinal))
                .Select(path => (Path: path, Name: store + "/" + Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/')));
            foreach (var chunk in files.Chunk(Chunk))
            {
                var names = chunk.Select(f => f.Name).ToList();
                var stored = (await db.StoredFiles.AsNoTracking().Where(f => names.Contains(f.Name)).Select(f => f.Name).ToListAsync(ct)).ToHashSet();
                foreach (var (path, name) in chunk.Where(f => !stored.Contains(f.Name)))
                    db.StoredFiles.Add(new StoredFile { Name = name, Content = await File.ReadAllBytesAsync(path, ct), CreatedAt = File.GetLastWriteTimeUtc(path) });
                copied += chunk.Length - stored.Count;
                present += stored.Count;
                await db.SaveChangesAsync(ct); // a chunk at a time: an interrupted run keeps what it stored, and the next run goes on
                db.ChangeTracker.Clear();
            }
        }
        return (copied, present);
    }

    public static async Task<int> RunAsync(MarketplaceDbContext db, Dictionary<string, string> options)
    {
        var folder = options.GetValueOrDefault("data-folder") ?? throw new ArgumentException("store-files needs --data-folder FOLDER (the node's DataFolder).");
        var (copied, present) = await StoreFilesAsync(db, folder);
        Console.WriteLine($"Stored {copied:N0} files in the database ({present:N0} were there already). Set Storage:Provider=Database on every node.");
        return 0;
    }
}
