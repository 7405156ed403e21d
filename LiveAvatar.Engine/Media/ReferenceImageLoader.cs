namespace LiveAvatar.Engine.Media;

/// <summary>
/// Loads a reference image the way the original does (PIL open → convert('RGB') → Resize(shorter side) →
/// CenterCrop → [-1,1]), with ffmpeg doing the decoding and the bilinear resize.
/// <list type="bullet">
/// <item>Alpha is dropped, not composited: PIL's convert('RGB') keeps the stored RGB under transparent pixels.</item>
/// <item>EXIF orientation is applied (the original ignores it; a phone photo should come out upright).</item>
/// <item>Animated GIF (and any multi-frame image): the first frame is used, as PIL's Image.open does.</item>
/// <item>Videos are refused even though their first frame would decode: passing one is almost surely a mistake.</item>
/// <item>A decode that makes ffmpeg log an error (a truncated JPEG, say) is refused, as PIL refuses it.</item>
/// </list>
/// </summary>
public static class ReferenceImageLoader
{
    // Still-image codecs (ffprobe codec_name). mjpeg inside AVI/MOV is caught by the container check.
    private static readonly HashSet<string> ImageCodecs =
    [
        "mjpeg", "jpegls", "png", "apng", "webp", "bmp", "gif", "tiff", "jpeg2000", "jpegxl", "ppm", "pgm", "pgmyuv",
        "pbm", "pam", "targa", "sgi", "qoi", "dds", "exr", "hdr", "pcx", "xbm", "xwd", "sunrast", "photocd", "pictor",
    ];

    public static async Task<ImageInfo> InspectAsync(string path, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        InputFile.EnsureReadable(path, "image");
        var probe = await MediaProbe.ProbeAsync(path, options.Tools, ct).ConfigureAwait(false);
        var video = probe.VideoStreams.FirstOrDefault();
        var isContainer = !(probe.FormatName == "image2" || probe.FormatName.EndsWith("_pipe", StringComparison.Ordinal)
            || probe.FormatName is "gif" or "apng" or "webp");
        if (video is null || probe.AudioStreams.Any() || isContainer || !ImageCodecs.Contains(video.CodecName))
            throw new MediaException($"'{path}' is not a still image: ffprobe sees {probe.Describe()}. " +
                "Use a JPEG, PNG, WebP, BMP or GIF picture.");
        if (video.Width <= 0 || video.Height <= 0)
            throw new MediaException($"'{path}' is not a valid {video.CodecName} image: ffmpeg cannot read its size.");
        if ((long)video.Width * video.Height > options.MaxImagePixels)
            throw new MediaException($"'{path}' is {video.Width}×{video.Height} = {(long)video.Width * video.Height:N0} " +
                $"pixels; the limit is {options.MaxImagePixels:N0}. Shrink the image first.");
        if (Math.Min(video.Width, video.Height) < options.MinImageSide)
            throw new MediaException($"'{path}' is only {video.Width}×{video.Height}; each side must be at least " +
                $"{options.MinImageSide} px.");

        var orientation = ExifOrientation.Read(await ReadHeadAsync(path, ct).ConfigureAwait(false));
        var (w, h) = ExifOrientation.SwapsSides(orientation) ? (video.Height, video.Width) : (video.Width, video.Height);
        return new ImageInfo(path, probe.FormatName, video.CodecName, w, h, orientation);
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
        var rgb = await DecodeAsync(info, resW, resH, options.Tools, ct).ConfigureAwait(false);
        return new ReferenceImage(CenterCrop.ToChw(rgb, resW, resH, outW, outH), outW, outH, info);
    }

    /// <summary>torchvision Resize(int): the shorter side becomes <paramref name="shortSide"/>, the long side truncates.</summary>
    internal static (int Width, int Height) ResizedSize(int width, int height, int shortSide)
    {
        var (shortIn, longIn) = width <= height ? (width, height) : (height, width);
        var longOut = (int)((double)((long)shortSide * longIn) / shortIn);
        return width <= height ? (shortSide, longOut) : (longOut, shortSide);
    }

    private static async Task<byte[]> DecodeAsync(ImageInfo info, int width, int height, FfmpegTools tools, CancellationToken ct)
    {
        var filters = new List<string>();
        if (ExifOrientation.Filter(info.Orientation) is { } orient) filters.Add(orient);
        // swscale's bilinear widens its kernel when shrinking, like PIL's; rgb24 output simply drops alpha.
        filters.Add($"scale={width}:{height}:flags=bilinear+accurate_rnd+full_chroma_int");
        filters.Add("format=rgb24");
        // ffmpeg's own autorotate depends on the version and format (5.1 turns JPEG EXIF into a display matrix
        // and applies it; older builds do not), so it is off and the tag is applied above, alike for all formats.
        List<string> args = ["-nostdin", "-v", "error", "-noautorotate"];
        // Only the image2 demuxer knows pattern_type (ffmpeg rejects unused input options); it keeps '%d' literal.
        if (info.Format == "image2") args.AddRange(["-pattern_type", "none"]);
        args.AddRange(["-i", InputFile.FfmpegUrl(info.Path), "-map", "0:v:0", "-frames:v", "1",
            "-vf", string.Join(",", filters), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        var r = await FfmpegRunner.RunAsync(tools.Ffmpeg, args, ct).ConfigureAwait(false);
        var expected = width * height * 3;
        if (r.ExitCode != 0 || !string.IsNullOrWhiteSpace(r.StderrTail) || r.Stdout.Length != expected)
            throw new MediaException($"'{info.Path}' could not be decoded cleanly (truncated or corrupt " +
                $"{info.Codec} image): {FfmpegException.Quote(r.StderrTail)}");
        return r.Stdout;
    }

    private static async Task<byte[]> ReadHeadAsync(string path, CancellationToken ct)
    {
        await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[(int)Math.Min(s.Length, ExifOrientation.HeadBytes)];
        await s.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        return buffer;
    }
}
