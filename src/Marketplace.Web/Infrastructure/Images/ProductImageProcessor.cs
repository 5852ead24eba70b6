using Marketplace.Domain;
using NetVips;

namespace Marketplace.Web.Infrastructure.Images;

public enum ImageSize
{
    Thumb = 240,
    Listing = 480,
    Detail = 1200,
}

public sealed record ImageLimits(long MaxBytes = 10 * 1024 * 1024, long MaxPixels = 40_000_000);

public sealed record ProcessedImage(int Width, int Height, IReadOnlyDictionary<ImageSize, byte[]> Renditions);

/// <summary>An upload was refused; the message says why in Chinese and English.</summary>
public sealed class ImageRejectedException(string zh, string en) : DomainException(zh, en);

/// <summary>
/// Turns an upload into three WebP renditions with NetVips: checked by content (magic bytes), by size in bytes and in
/// pixels (read from the header before anything is decoded, so a decompression bomb costs a few milliseconds),
/// auto-rotated by its EXIF orientation, converted to sRGB and stripped of all metadata (GPS, camera, owner).
/// </summary>
public sealed class ProductImageProcessor(ImageLimits limits)
{
    public static readonly ImageSize[] Sizes = [ImageSize.Thumb, ImageSize.Listing, ImageSize.Detail];

    public enum Format { Jpeg, Png, WebP }

    public static Format? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return Format.Jpeg;
        if (data.Length >= 8 && data[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return Format.Png;
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8)) return Format.WebP;
        return null;
    }

    public ProcessedImage Process(byte[] data)
    {
        if (data.Length == 0) throw new ImageRejectedException("文件为空", "The file is empty.");
        if (data.Length > limits.MaxBytes)
            throw new ImageRejectedException($"图片不能超过{limits.MaxBytes / 1024 / 1024}MB", $"The image may be at most {limits.MaxBytes / 1024 / 1024} MB.");
        if (Sniff(data) is null)
            throw new ImageRejectedException("只支持JPEG、PNG或WebP格式的图片（按文件内容判断，与扩展名无关）",
                "Only JPEG, PNG or WebP images are accepted (judged by the content, not the file name).");

        int width, height;
        try
        {
            // Header only: libvips decodes nothing until pixels are asked for.
            using var header = Image.NewFromBuffer(data, access: Enums.Access.Sequential);
            width = header.Width;
            height = header.Height;
        }
        catch (VipsException)
        {
            throw Damaged();
        }
        if ((long)width * height > limits.MaxPixels)
            throw new ImageRejectedException($"图片像素过多（{width}×{height}），最多{limits.MaxPixels / 1_000_000}百万像素",
                $"The image has too many pixels ({width}×{height}); at most {limits.MaxPixels / 1_000_000} megapixels.");

        try
        {
            // Integrity: decode every pixel once, streaming (little memory), failing on truncation instead of
            // padding the picture with grey. Thumbnail's shrink-on-load below would not read the whole file.
            using (var whole = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated))
                _ = whole.Avg();

            var renditions = new Dictionary<ImageSize, byte[]>();
            // Thumbnail shrinks on load and applies the EXIF orientation.
            using var detail = Image.ThumbnailBuffer(data, (int)ImageSize.Detail, height: (int)ImageSize.Detail, size: Enums.Size.Down);
            using var srgb = detail.Interpretation == Enums.Interpretation.Srgb ? detail.Copy() : detail.Colourspace(Enums.Interpretation.Srgb);
            var detailBytes = srgb.WebpsaveBuffer(q: 82, keep: Enums.ForeignKeep.None);
            renditions[ImageSize.Detail] = detailBytes;
            foreach (var size in new[] { ImageSize.Listing, ImageSize.Thumb })
            {
                using var small = Image.ThumbnailBuffer(detailBytes, (int)size, height: (int)size, size: Enums.Size.Down);
                renditions[size] = small.WebpsaveBuffer(q: 80, keep: Enums.ForeignKeep.None);
            }
            using var check = Image.NewFromBuffer(detailBytes);
            return new ProcessedImage(check.Width, check.Height, renditions);
        }
        catch (VipsException)
        {
            throw Damaged();
        }
    }

    private static ImageRejectedException Damaged() =>
        new("图片已损坏或不完整，无法读取", "The image is damaged or incomplete and cannot be read.");
}
