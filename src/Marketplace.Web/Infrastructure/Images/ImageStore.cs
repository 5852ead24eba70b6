namespace Marketplace.Web.Infrastructure.Images;

/// <summary>Where photo renditions live: see <see cref="IFileBlobs"/> (a node's folder or the database).</summary>
public interface IImageStore
{
    /// <summary>Stores every rendition of one image under a new key; either all are stored or none.</summary>
    Task<string> SaveAsync(IReadOnlyDictionary<ImageSize, byte[]> renditions, CancellationToken ct);
    Task<Stream?> OpenReadAsync(string key, ImageSize size, CancellationToken ct);
    void Delete(string key);
}

/// <summary>Renditions under <c>{first two of the key}/{key}-{size}.webp</c>.</summary>
public sealed class ImageStore(IFileBlobs blobs) : IImageStore
{
    public static bool IsValidKey(string key) => key.Length == 32 && key.All(char.IsAsciiHexDigitLower);

    public async Task<string> SaveAsync(IReadOnlyDictionary<ImageSize, byte[]> renditions, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString("N");
        await blobs.PutAsync(renditions.Select(r => (NameOf(key, r.Key), r.Value)).ToList(), ct);
        return key;
    }

    public Task<Stream?> OpenReadAsync(string key, ImageSize size, CancellationToken ct) =>
        IsValidKey(key) ? blobs.OpenReadAsync(NameOf(key, size), ct) : Task.FromResult<Stream?>(null);

    public void Delete(string key)
    {
        if (IsValidKey(key)) blobs.Delete(ProductImageProcessor.Sizes.Select(size => NameOf(key, size)).ToList());
    }

    private static string NameOf(string key, ImageSize size) => $"{key[..2]}/{key}-{size.ToString().ToLowerInvariant()}.webp";
}
