using SixLabors.ImageSharp;
using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

/// <summary>What ImageSharp brings to the catalogue: crafted headers, truncation of every accepted format, metadata
/// stuffing and names that lie about the content. Each is refused (or read) with a message naming the problem.</summary>
public sealed class BadImageCatalogueTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Picture(string name, string size = "320x180") =>
        _dir.Ffmpeg(name, "-f", "lavfi", "-i", $"testsrc=s={size}", "-frames:v", "1");

    [Theory]
    [InlineData("cut.jpg")]
    [InlineData("cut.png")]
    [InlineData("cut.gif")]
    [InlineData("cut.webp")]
    [InlineData("cut.bmp")]
    [InlineData("cut.tiff")]
    public Task A_truncated_file_of_every_accepted_format_is_refused_as_truncated_or_corrupt(string name)
    {
        var bytes = File.ReadAllBytes(Picture("whole" + Path.GetExtension(name)));
        return MediaAssert.ImageRefusedAsync(_dir, _dir.Write(name, bytes[..(bytes.Length / 3)]), name, "truncated or corrupt");
    }

    [Fact]
    public Task A_jpeg_whose_header_claims_60000_by_60000_is_refused_before_decoding()
    {
        var jpeg = File.ReadAllBytes(Picture("small.jpg"));
        var sof = IndexOf(jpeg, [0xFF, 0xC0]);
        jpeg[sof + 5] = 0xEA; // height 60000
        jpeg[sof + 6] = 0x60;
        jpeg[sof + 7] = 0xEA; // width 60000
        jpeg[sof + 8] = 0x60;
        return MediaAssert.ImageRefusedAsync(_dir, _dir.Write("bomb.jpg", jpeg), "60000×60000", "the limit is 50,000,000");
    }

    [Fact]
    public Task A_gif_whose_screen_claims_65535_by_65535_is_refused_before_decoding()
    {
        var gif = File.ReadAllBytes(Picture("small.gif"));
        gif[6] = gif[7] = gif[8] = gif[9] = 0xFF;
        return MediaAssert.ImageRefusedAsync(_dir, _dir.Write("bomb.gif", gif), "65535×65535", "the limit is");
    }

    [Fact]
    public async Task A_png_carrying_a_5_mb_text_chunk_loads_and_a_lower_file_cap_refuses_it_by_size()
    {
        var png = WithTextChunk(File.ReadAllBytes(Picture("plain.png")), new byte[5 << 20]);
        var path = _dir.Write("stuffed.png", png);

        var img = await ReferenceImageLoader.LoadAsync(path, "384*256");
        Assert.Equal((320, 192), (img.Width, img.Height));

        await MediaAssert.RefusesAsync(() => ReferenceImageLoader.LoadAsync(path, "384*256", new MediaOptions { MaxImageBytes = 1 << 20 }),
            "is 5 MB", "at most 1 MB");
    }

    [Fact]
    public Task A_png_whose_text_chunk_claims_2_gb_in_a_tiny_file_is_refused()
    {
        var png = File.ReadAllBytes(Picture("plain.png"));
        var liar = png[..33].Concat(new byte[] { 0x7F, 0xFF, 0xFF, 0xF0 }).Concat("tEXt"u8.ToArray()).Concat(new byte[64]).ToArray();
        return MediaAssert.ImageRefusedAsync(_dir, _dir.Write("liar.png", liar), "liar.png", "truncated or corrupt");
    }

    [Fact]
    public async Task A_png_named_jpg_is_read_by_its_content()
    {
        var path = _dir.PathOf("really-a-png.jpg");
        File.Move(Picture("x.png"), path);

        var info = await ReferenceImageLoader.InspectAsync(path);

        Assert.Equal("PNG", info.Format);
        Assert.Equal("image/png", info.MimeType);
    }

    [Fact]
    public Task A_wav_named_png_is_refused_as_audio() =>
        MediaAssert.ImageRefusedAsync(_dir,
            _dir.Write("voice.png", File.ReadAllBytes(_dir.Ffmpeg("v.wav", "-f", "lavfi", "-i", "sine=d=1"))),
            "voice.png", "is not a still image", "audio (pcm_s16le)");

    internal static int IndexOf(byte[] data, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Length; i++)
            if (data.AsSpan(i, pattern.Length).SequenceEqual(pattern)) return i;
        throw new InvalidOperationException("pattern not found");
    }

    /// <summary>ImageSharp writes the picture back with one uncompressed tEXt chunk holding <paramref name="text"/>.</summary>
    private static byte[] WithTextChunk(byte[] png, byte[] text)
    {
        using var image = SixLabors.ImageSharp.Image.Load(png);
        image.Metadata.GetPngMetadata().TextData.Add(
            new SixLabors.ImageSharp.Formats.Png.PngTextData("Comment", new string('x', text.Length), "", ""));
        using var output = new MemoryStream();
        image.Save(output, new SixLabors.ImageSharp.Formats.Png.PngEncoder { TextCompressionThreshold = int.MaxValue });
        return output.ToArray();
    }
}
