using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public sealed class ReferenceImageLoaderTests : IDisposable
{
    private readonly MediaTestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_16_by_9_jpeg_becomes_704_by_384_in_minus_one_to_one()
    {
        var path = _dir.Ffmpeg("photo.jpg", "-f", "lavfi", "-i", "testsrc=s=1280x720", "-frames:v", "1");

        var img = await ReferenceImageLoader.LoadAsync(path, "720*400");

        Assert.Equal((704, 384), (img.Width, img.Height));
        Assert.Equal(3 * 704 * 384, img.Chw.Length);
        Assert.All(img.Chw, v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public async Task A_720_by_400_image_is_resized_to_691_and_zero_padded_six_left_seven_right()
    {
        var path = _dir.Ffmpeg("white.png", "-f", "lavfi", "-i", "color=white:s=720x400", "-frames:v", "1");

        var img = await ReferenceImageLoader.LoadAsync(path, "704*384");

        Assert.Equal((704, 384), (img.Width, img.Height));
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(-1f, img[c, 100, 0]);
            Assert.Equal(-1f, img[c, 100, 5]);
            Assert.Equal(1f, img[c, 100, 6]);
            Assert.Equal(1f, img[c, 100, 696]);
            Assert.Equal(-1f, img[c, 100, 697]);
            Assert.Equal(-1f, img[c, 100, 703]);
        }
    }

    [Fact]
    public async Task Transparent_png_pixels_keep_their_stored_rgb_like_pil_convert_rgb()
    {
        var path = _dir.Ffmpeg("alpha.png", "-f", "lavfi", "-i", "color=red:s=128x128,format=rgba,colorchannelmixer=aa=0",
            "-frames:v", "1");

        var img = await ReferenceImageLoader.LoadAsync(path, "384*256");

        Assert.Equal((1f, -1f, -1f), (img[0, 64, 64], img[1, 64, 64], img[2, 64, 64]));
    }

    [Theory]
    [InlineData("pic.webp")]
    [InlineData("pic.bmp")]
    [InlineData("pic.tiff")]
    public async Task Webp_bmp_and_tiff_images_load(string name)
    {
        var path = _dir.Ffmpeg(name, "-f", "lavfi", "-i", "color=lime:s=160x120", "-frames:v", "1");

        var img = await ReferenceImageLoader.LoadAsync(path, "384*256");

        Assert.True(img[1, img.Height / 2, img.Width / 2] > 0.9f);
    }

    [Fact]
    public async Task A_grayscale_png_gives_equal_rgb_channels()
    {
        var path = _dir.Ffmpeg("gray.png", "-f", "lavfi", "-i", "testsrc=s=160x120,format=gray", "-frames:v", "1");

        var img = await ReferenceImageLoader.LoadAsync(path, "384*256");

        Assert.Equal(img[0, 40, 50], img[1, 40, 50]);
        Assert.Equal(img[1, 40, 50], img[2, 40, 50]);
    }

    [Fact]
    public async Task An_animated_gif_uses_its_first_frame()
    {
        var path = _dir.Ffmpeg("anim.gif", "-f", "lavfi", "-i",
            "color=red:s=96x96:r=10:d=1,drawbox=x=0:y=0:w=96:h=96:c=blue:t=fill:enable='gte(t,0.1)'");

        var img = await ReferenceImageLoader.LoadAsync(path, "384*256");

        Assert.True(img[0, 48, 48] > 0.8f && img[2, 48, 48] < -0.8f, "the first (red) frame");
    }

    [Theory]
    [InlineData(6, 48, 16)] // rotate 90° clockwise: the red top-left corner ends up top-right
    [InlineData(8, 16, 112)] // rotate 90° counter-clockwise: it ends up bottom-left
    [InlineData(3, 112, 48)] // 180°: it ends up bottom-right
    public async Task Exif_orientation_turns_a_phone_photo_upright(int orientation, int redX, int redY)
    {
        var plain = _dir.Ffmpeg("stored.jpg", "-f", "lavfi", "-i",
            "color=blue:s=128x64,drawbox=x=0:y=0:w=32:h=32:c=red:t=fill", "-frames:v", "1", "-q:v", "2");
        var path = _dir.Write("phone.jpg", ExifJpeg.WithOrientation(File.ReadAllBytes(plain), orientation));

        var img = await ReferenceImageLoader.LoadAsync(path, "384*256");

        Assert.Equal(orientation, img.Source.Orientation);
        Assert.Equal(orientation == 3 ? (128, 64) : (64, 128), (img.Width, img.Height));
        Assert.True(img[0, redY, redX] > 0.6f && img[2, redY, redX] < -0.6f, "red corner moved");
    }

    [Fact]
    public async Task Paths_with_spaces_and_non_ascii_characters_work()
    {
        Directory.CreateDirectory(_dir.PathOf("dossier é ü"));
        var made = _dir.Ffmpeg("made.jpg", "-f", "lavfi", "-i", "testsrc=s=1280x720", "-frames:v", "1");
        // '%d' would be an image-sequence pattern and ':' a protocol prefix if passed to ffmpeg naively.
        var path = _dir.PathOf(Path.Combine("dossier é ü", "réf image 写真 %d:1.jpg"));
        File.Move(made, path);

        var img = await ReferenceImageLoader.LoadAsync(path, "704*384");

        Assert.Equal((704, 384), (img.Width, img.Height));
    }
}

/// <summary>Re-saves a JPEG through ImageSharp with an EXIF Orientation tag, as a phone camera would store it.</summary>
internal static class ExifJpeg
{
    public static byte[] WithOrientation(byte[] jpeg, int orientation)
    {
        using var image = SixLabors.ImageSharp.Image.Load(jpeg);
        image.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        image.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)orientation);
        using var output = new MemoryStream();
        image.Save(output, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 95 });
        return output.ToArray();
    }
}
