using System.Text;

namespace Marketplace.Web.Infrastructure.Images;

/// <summary>
/// The vendor's invoice for an order (发票): a PDF checked by content (header, end marker, size) or a photo/scan
/// processed like product photos (JPEG/PNG/WebP, pixel limit, metadata stripped). Stored under a random key.
/// </summary>
public sealed class InvoiceStore(IFileBlobs files, ProductImageProcessor images)
{
    public const long MaxBytes = 10 * 1024 * 1024;

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
        await files.PutAsync([(key, content)], ct);
        return key;
    }

    /// <summary>Writes a file under a fixed key unless it is there (the demo's shared invoice).</summary>
    public async Task EnsureFileAsync(string key, byte[] content, CancellationToken ct)
    {
        await using var existing = await files.OpenReadAsync(key, ct);
        if (existing is null) await files.PutAsync([(key, content)], ct);
    }

    /// <summary>Removes a stored file (a step that stored it and then failed undoes it).</summary>
    public void Delete(string key)
    {
        if (IsValidKey(key)) files.Delete([key]);
    }

    public async Task<(Stream Stream, string ContentType)?> OpenAsync(string key, CancellationToken ct) =>
        IsValidKey(key) && await files.OpenReadAsync(key, ct) is { } stream
            ? (stream, key.EndsWith(".pdf", StringComparison.Ordinal) ? "application/pdf" : "image/webp")
            : null;

    private static bool IsValidKey(string key) =>
        key.Length is 36 or 37 && key[..32].All(char.IsAsciiHexDigitLower) && key[32..] is ".pdf" or ".webp";
}
