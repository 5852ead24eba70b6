using System.Diagnostics;
using Marketplace.Web.Infrastructure.Images;
using NetVips;

namespace Marketplace.Web.Tests;

public class ImagePipelineTests
{
    private readonly ProductImageProcessor _processor = new(new ImageLimits());

    public static TheoryData<string> ValidKinds => ["jpeg", "png", "webp"];

    [Theory]
    [MemberData(nameof(ValidKinds))]
    public void Valid_images_become_three_webp_renditions_within_their_sizes(string kind)
    {
        var data = kind switch { "jpeg" => TestImages.Jpeg(2000, 1500), "png" => TestImages.Png(2000, 1500), _ => TestImages.WebP(2000, 1500) };
        var result = _processor.Process(data);
        Assert.Equal(3, result.Renditions.Count);
        foreach (var (size, bytes) in result.Renditions)
        {
            Assert.Equal(ProductImageProcessor.Format.WebP, ProductImageProcessor.Sniff(bytes));
            using var img = Image.NewFromBuffer(bytes);
            Assert.True(Math.Max(img.Width, img.Height) <= (int)size, $"{size}: {img.Width}x{img.Height}");
        }
        Assert.Equal((1200, 900), (result.Width, result.Height));
    }

    [Fact]
    public void Small_images_are_not_enlarged()
    {
        var result = _processor.Process(TestImages.Png(300, 200));
        using var detail = Image.NewFromBuffer(result.Renditions[ImageSize.Detail]);
        Assert.Equal((300, 200), (detail.Width, detail.Height));
    }

    [Fact]
    public void Exif_orientation_is_applied_and_all_metadata_is_stripped()
    {
        var source = TestImages.Jpeg(800, 600, orientation: 6); // "rotate 90° clockwise to display"
        using (var original = Image.NewFromBuffer(source))
            Assert.Contains(original.GetFields(), f => f.StartsWith("exif", StringComparison.Ordinal));

        var result = _processor.Process(source);
        Assert.Equal((600, 800), (result.Width, result.Height));
        foreach (var bytes in result.Renditions.Values)
        {
            using var img = Image.NewFromBuffer(bytes);
            Assert.DoesNotContain(img.GetFields(), f => f.StartsWith("exif", StringComparison.Ordinal) || f == "orientation" || f.StartsWith("xmp", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_truncated_image_is_refused_as_damaged()
    {
        var ex = Assert.Throws<ImageRejectedException>(() => _processor.Process(TestImages.Truncated()));
        Assert.Contains("损坏", ex.MessageZh);
        Assert.Contains("damaged", ex.MessageEn);
    }

    [Fact]
    public void Other_content_renamed_to_jpg_is_refused_by_its_bytes()
    {
        Assert.Contains("JPEG", Assert.Throws<ImageRejectedException>(() => _processor.Process(TestImages.TextRenamedToJpg())).MessageZh);
        Assert.Contains("content", Assert.Throws<ImageRejectedException>(() => _processor.Process(TestImages.Gif())).MessageEn);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = TestImages.HugePng();
        Assert.True(bomb.Length < 1_000_000, "the test file should be small on disk");
        var ex = Assert.Throws<ImageRejectedException>(() => _processor.Process(bomb));
        Assert.Contains("8000×6000", ex.MessageZh);
    }

    [Fact]
    public void Too_many_bytes_and_empty_files_are_refused()
    {
        var small = new ProductImageProcessor(new ImageLimits(MaxBytes: 1000));
        Assert.Contains("MB", Assert.Throws<ImageRejectedException>(() => small.Process(TestImages.Jpeg())).MessageEn);
        Assert.Contains("empty", Assert.Throws<ImageRejectedException>(() => _processor.Process([])).MessageEn);
    }

    [Fact]
    public async Task The_store_saves_every_rendition_under_one_key_and_deletes_them_together()
    {
        var folder = Directory.CreateTempSubdirectory("mp-img-").FullName;
        try
        {
            var files = new FolderBlobs(folder);
            var store = new ImageStore(files);
            var key = await store.SaveAsync(_processor.Process(TestImages.Jpeg()).Renditions, CancellationToken.None);
            Assert.True(ImageStore.IsValidKey(key));
            Assert.Equal(3, files.AllFiles().Count());
            Assert.DoesNotContain(files.AllFiles(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
            await using (var s = await store.OpenReadAsync(key, ImageSize.Thumb, CancellationToken.None)) Assert.NotNull(s);
            Assert.Null(await store.OpenReadAsync("../../etc/passwd", ImageSize.Thumb, CancellationToken.None));
            store.Delete(key);
            Assert.Empty(files.AllFiles());
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
