using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Loads a reference image the way the original does (PIL open → convert('RGB') → Resize(shorter side) →
/// CenterCrop → [-1,1]), with ImageSharp doing the decoding and the bilinear resize.
/// <list type="bullet">
/// <item>The header is read first (<c>Image.Identify</c>); oversize images are refused before any pixel is decoded.</item>
/// <item>Alpha is dropped, not composited: PIL's convert('RGB') keeps the stored RGB under transparent pixels, and
/// decoding straight to Rgb24 does the same.</item>
/// <item>EXIF orientation is applied (the original ignores it; a phone photo should come out upright).</item>
/// <item>Animated GIF (and any multi-frame image): the first frame is used, as PIL's Image.open does.</item>
/// <item>Anything ImageSharp does not recognise is described by ffprobe in the refusal, so a video or a song passed
/// as the picture gets a message saying what it is.</item>
/// </list>
/// </summary>
public static class ReferenceImageLoader
{
    private const string Accepted = "Use a JPEG, PNG, WebP, BMP, GIF or TIFF picture.";

    public static async Task<ImageInfo> InspectAsync(string path, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        InputFile.EnsureReadable(path, "image");
        var bytes = new FileInfo(path).Length;
        if (bytes > options.MaxImageBytes)
            throw new MediaException($"'{path}' is {bytes / (1 << 20)} MB; a reference image may be at most " +
                $"{options.MaxImageBytes / (1 << 20)} MB. Save it as an ordinary JPEG or PNG first.");

        IImageInfo? header;
        SixLabors.ImageSharp.Formats.IImageFormat? format;
        try
        {
            await using var stream = File.OpenRead(path);
            (header, format) = await Image.IdentifyWithFormatAsync(ImageDecoding.For(options), stream, ct).ConfigureAwait(false);
        }
        catch (UnknownImageFormatException)
        {
            header = null;
            format = null;
        }
        catch (Exception e) when (e is ImageFormatException or InvalidOperationException or ArgumentException or EndOfStreamException)
        {
            // TIFF's reader fails on a damaged header with a general exception rather than ImageFormatException.
            throw Corrupt(path, e);
        }
        if (header is null || format is null) throw await NotAnImageAsync(path, options, ct).ConfigureAwait(false);

        var (w, h) = (header.Width, header.Height);
        if (w <= 0 || h <= 0)
            throw new MediaException($"'{path}' is not a valid {format.Name} image: its header gives no size.");
        if ((long)w * h > options.MaxImagePixels)
            throw new MediaException($"'{path}' is {w}×{h} = {(long)w * h:N0} pixels; the limit is " +
                $"{options.MaxImagePixels:N0}. Shrink the image first.");
        if (Math.Min(w, h) < options.MinImageSide)
            throw new MediaException($"'{path}' is only {w}×{h}; each side must be at least {options.MinImageSide} px.");

        if (ImageEnding.LooksCut(path, format.Name))
            throw new MediaException($"'{path}' could not be decoded (truncated or corrupt image): the {format.Name} data " +
                "stops before its end marker. Export or download the picture again.");
        var orientation = Orientation(header);
        if (orientation is >= 5 and <= 8) (w, h) = (h, w);
        return new ImageInfo(path, format.Name, format.DefaultMimeType, format.FileExtensions.First(), w, h, orientation);
    }

    /// <summary>Decodes, orients, resizes and crops to the size <paramref name="sizeKey"/> gives this image.</summary>
    public static async Task<ReferenceImage> LoadAsync(
        string path, string sizeKey, MediaOptions? options = null, CancellationToken ct = default)
    {
        var maxArea = GenerationSize.MaxArea(sizeKey);
        options ??= MediaOptions.Default;
        var info = await InspectAsync(path, options, ct).ConfigureAwait(false);
        var (outH, outW) = GenerationSize.Compute(info.Height, info.Width, maxArea);
        var (resW, resH) = ResizedSize(info.Width, info.Height, Math.Min(outH, outW));
        var rgb = await DecodeAsync(info, resW, resH, options, ct).ConfigureAwait(false);
        return new ReferenceImage(CenterCrop.ToChw(rgb, resW, resH, outW, outH), outW, outH, info);
    }

    /// <summary>torchvision Resize(int): the shorter side becomes <paramref name="shortSide"/>, the long side truncates.</summary>
    internal static (int Width, int Height) ResizedSize(int width, int height, int shortSide)
    {
        var (shortIn, longIn) = width <= height ? (width, height) : (height, width);
        var longOut = (int)((double)((long)shortSide * longIn) / shortIn);
        return width <= height ? (shortSide, longOut) : (longOut, shortSide);
    }

    private static async Task<byte[]> DecodeAsync(ImageInfo info, int width, int height, MediaOptions options, CancellationToken ct)
    {
        try
        {
            await using var stream = File.OpenRead(info.Path);
            // Rgb24 drops alpha exactly as PIL's convert('RGB') does: the stored colour stays, nothing is blended.
            using var image = await Image.LoadAsync<Rgb24>(ImageDecoding.For(options), stream, ct).ConfigureAwait(false);
            // Triangle is bilinear with the kernel widened when shrinking, which is what PIL's BILINEAR does.
            image.Mutate(x => x.AutoOrient().Resize(width, height, KnownResamplers.Triangle));
            var rgb = new byte[width * height * 3];
            image.CopyPixelDataTo(rgb);
            return rgb;
        }
        catch (ImageFormatException e)
        {
            throw Corrupt(info.Path, e);
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new MediaException($"'{info.Path}' needs more memory to decode than its size allows; the file is " +
                $"corrupt or crafted: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or EndOfStreamException)
        {
            // Some decoders (TIFF) fail on damaged data with a general exception rather than ImageFormatException.
            throw Corrupt(info.Path, e);
        }
    }

    private static int Orientation(IImageInfo header)
    {
        var value = header.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value;
        return value is >= 1 and <= 8 ? value.Value : 1;
    }

    private static MediaException Corrupt(string path, Exception e) =>
        new($"'{path}' could not be decoded (truncated or corrupt image): {e.Message}", e);

    /// <summary>ImageSharp does not know the format: ffprobe says what the file is, so the message can name it.</summary>
    private static async Task<MediaException> NotAnImageAsync(string path, MediaOptions options, CancellationToken ct)
    {
        ProbeResult probe;
        try
        {
            probe = await MediaProbe.ProbeAsync(path, options.Tools, ct).ConfigureAwait(false);
        }
        catch (MediaException e)
        {
            return new MediaException($"{e.Message} {Accepted}", e); // neither ImageSharp nor ffmpeg reads it
        }
        return new MediaException($"'{path}' is not a still image in a format we read: ffprobe sees {probe.Describe()}. {Accepted}");
    }
}
