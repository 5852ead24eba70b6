using NetVips;

namespace Marketplace.Web.Tests;

/// <summary>Real images made with libvips for the tests: no binary fixtures in the repository.</summary>
public static class TestImages
{
    private static Image Colour(int w, int h) =>
        (Image.Black(w, h, bands: 3) + new[] { 180.0, 120, 40 }).Cast(Enums.BandFormat.Uchar);

    public static byte[] Jpeg(int w = 800, int h = 600, int? orientation = null)
    {
        using var img = Colour(w, h);
        if (orientation is null) return img.JpegsaveBuffer(q: 85);
        using var tagged = img.Mutate(m =>
        {
            m.Set(GValue.GIntType, "orientation", orientation.Value);
            m.Set(GValue.GStrType, "exif-ifd0-Make", "TestCam (TestCam, ASCII, 8 components, 8 bytes)");
        });
        return tagged.JpegsaveBuffer(q: 85);
    }

    public static byte[] Png(int w = 640, int h = 480)
    {
        using var img = Colour(w, h);
        return img.PngsaveBuffer(compression: 1);
    }

    public static byte[] WebP(int w = 640, int h = 480)
    {
        using var img = Colour(w, h);
        return img.WebpsaveBuffer();
    }

    /// <summary>A 48-megapixel PNG: under half a megabyte on disk, 144 MB once decoded.</summary>
    public static byte[] HugePng() => Image.Black(8000, 6000).PngsaveBuffer(compression: 9);

    public static byte[] Truncated() => Jpeg(1600, 1200)[..6000];

    public static byte[] Gif() => [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x21, 0xF9, 4, 1, 0, 0, 0, 0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B];

    public static byte[] TextRenamedToJpg() => "这不是图片 / not an image"u8.ToArray();
}
