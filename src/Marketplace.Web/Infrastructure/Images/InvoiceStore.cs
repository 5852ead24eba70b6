using System.Text;

namespace Marketplace.Web.Infrastructure.Images;

/// <summary>
/// The vendor's invoice for an order (发票): a PDF checked by content (header, end marker, size) or a photo/scan
/// processed like product photos (JPEG/PNG/WebP, pixel limit, metadata stripped). Stored under a random key.
/// </summary>
public sealed class InvoiceStore(string root, ProductImageProcessor images)
{
    public const long MaxBytes = 10 * 1024 * 1024;
    private readonly string _root = Directory.CreateDirectory(root).FullName;

    /// <param name="imagesOnly">For photos (e.g. of damaged goods in a refund request): PDFs are refused.</param>
    public async Task<string> SaveAsync(byte[] data, CancellationToken ct, bool imagesOnly = false)
    {
        if (data.Length == 0) throw new ImageRejectedException("文件为空", "The file is empty.");
        if (data.Length > MaxBytes) throw new ImageRejectedException("文件不能超过10MB", "The file may be at most 10 MB.");
        string extension;
        byte[] content;
        if (!imagesOnly && data.AsSpan(0, Math.Min(5, data.Length)).SequenceEqual("%PDF-"u8))
        {
            var tail = Encoding.ASCII.GetString(data, Math.Max(0, data.Length - 1024), Math.Min(1024, data.Length));
            if (!tail.Contains("%%EOF", StringComparison.Ordinal))
                throw new ImageRejectedException("PDF文件不完整", "The PDF is incomplete.");
            (extension, content) = ("pdf", data);
        }
        else if (ProductImageProcessor.Sniff(data) is not null)
            (extension, content) = ("webp", images.Process(data).Renditions[ImageSize.Detail]);
        else if (imagesOnly)
            throw new ImageRejectedException("照片须为JPEG、PNG或WebP图片", "A photo must be a JPEG, PNG or WebP image.");
        else
            throw new ImageRejectedException("发票须为PDF或图片（JPEG、PNG、WebP）", "The invoice must be a PDF or an image (JPEG, PNG, WebP).");

        var key = Guid.NewGuid().ToString("N") + "." + extension;
        var path = Path.Combine(_root, key);
        await File.WriteAllBytesAsync(path + ".tmp", content, ct);
        File.Move(path + ".tmp", path);
        return key;
    }

    /// <summary>Writes a file under a fixed key unless it is there (the demo's shared invoice).</summary>
    public void EnsureFile(string key, byte[] content)
    {
        var path = Path.Combine(_root, key);
        if (File.Exists(path)) return;
        File.WriteAllBytes(path + ".tmp", content);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Removes a stored file (a step that stored it and then failed undoes it).</summary>
    public void Delete(string key)
    {
        if (Open(key) is not { } file) return;
        file.Stream.Dispose();
        File.Delete(Path.Combine(_root, key));
    }

    public (Stream Stream, string ContentType)? Open(string key)
    {
        if (key.Length is not (36 or 37) || !key[..32].All(char.IsAsciiHexDigitLower) || key[32..] is not (".pdf" or ".webp")) return null;
        var path = Path.Combine(_root, key);
        return File.Exists(path) ? (File.OpenRead(path), key.EndsWith(".pdf", StringComparison.Ordinal) ? "application/pdf" : "image/webp") : null;
    }
}
