using Marketplace.Tools;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Integration.Tests;

/// <summary>store-files moves a node's uploaded files into the database under the names the database store reads.</summary>
public class StoreFilesTests
{
    [Fact]
    public async Task Copies_images_and_invoices_once_under_the_stores_names_and_skips_half_written_files()
    {
        using var temp = new TempSqlite();
        var (db, _) = await temp.MigratedWithReferenceDataAsync();
        await using var _db = db;
        var data = Directory.CreateTempSubdirectory("mp-files-").FullName;
        try
        {
            var key = new string('a', 32);
            Directory.CreateDirectory(Path.Combine(data, "images", "aa"));
            Directory.CreateDirectory(Path.Combine(data, "invoices"));
            await File.WriteAllBytesAsync(Path.Combine(data, "images", "aa", $"{key}-thumb.webp"), [1, 2, 3]);
            await File.WriteAllBytesAsync(Path.Combine(data, "images", "aa", $"{key}-detail.webp"), [4, 5]);
            await File.WriteAllBytesAsync(Path.Combine(data, "images", "aa", $"{key}-listing.webp.tmp"), [9]);
            await File.WriteAllBytesAsync(Path.Combine(data, "invoices", $"{key}.pdf"), "%PDF-1.4 %%EOF"u8.ToArray());

            Assert.Equal((3, 0), await StorageCommands.StoreFilesAsync(db, data));
            var stored = await db.StoredFiles.AsNoTracking().OrderBy(f => f.Name).ToListAsync();
            Assert.Equal([$"images/aa/{key}-detail.webp", $"images/aa/{key}-thumb.webp", $"invoices/{key}.pdf"], stored.Select(f => f.Name));
            Assert.Equal([1, 2, 3], stored[1].Content);

            // Again, with one more file: only the new one is copied, nothing is duplicated or changed.
            await File.WriteAllBytesAsync(Path.Combine(data, "invoices", $"{new string('b', 32)}.pdf"), "%PDF-1.4 %%EOF"u8.ToArray());
            Assert.Equal((1, 3), await StorageCommands.StoreFilesAsync(db, data));
            Assert.Equal(4, await db.StoredFiles.CountAsync());

            await Assert.ThrowsAsync<ArgumentException>(() => StorageCommands.StoreFilesAsync(db, Path.Combine(data, "missing")));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
