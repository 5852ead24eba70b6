namespace Marketplace.Web.Infrastructure.Images;

/// <summary>Where photo renditions live. Local folder by default; an object store would implement the same port.</summary>
public interface IImageStore
{
    /// <summary>Stores every rendition of one image under a new key; either all are stored or none.</summary>
    Task<string> SaveAsync(IReadOnlyDictionary<ImageSize, byte[]> renditions, CancellationToken ct);
    Stream? OpenRead(string key, ImageSize size);
    void Delete(string key);
}

public sealed class LocalFolderImageStore(string root) : IImageStore
{
    public string Root { get; } = Directory.CreateDirectory(root).FullName;

    public static bool IsValidKey(string key) => key.Length == 32 && key.All(char.IsAsciiHexDigitLower);

    public async Task<string> SaveAsync(IReadOnlyDictionary<ImageSize, byte[]> renditions, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString("N");
        var written = new List<string>();
        try
        {
            foreach (var (size, bytes) in renditions)
            {
                var path = PathOf(key, size);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // Write to a temporary name, then rename: a reader never sees half a file.
                var temp = path + ".tmp";
                await File.WriteAllBytesAsync(temp, bytes, ct);
                File.Move(temp, path);
                written.Add(path);
            }
            return key;
        }
        catch
        {
            foreach (var path in written) TryDelete(path);
            foreach (var size in renditions.Keys) TryDelete(PathOf(key, size) + ".tmp");
            throw;
        }
    }

    public Stream? OpenRead(string key, ImageSize size)
    {
        if (!IsValidKey(key)) return null;
        var path = PathOf(key, size);
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    public void Delete(string key)
    {
        if (!IsValidKey(key)) return;
        foreach (var size in ProductImageProcessor.Sizes) TryDelete(PathOf(key, size));
    }

    public IEnumerable<string> AllFiles() => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories);

    private string PathOf(string key, ImageSize size) =>
        Path.Combine(Root, key[..2], $"{key}-{size.ToString().ToLowerInvariant()}.webp");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}
