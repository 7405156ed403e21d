namespace LiveAvatar.Engine.Media;

/// <summary>A speaker mask image as 0/1 per pixel (any non-zero RGB counts as the speaker, like the original's
/// mask_array &gt; 0 on SAM2's masks), at the image's own size.</summary>
public sealed record SpeakerMaskImage(string Path, int Width, int Height, byte[] Bits);

/// <summary>
/// Reads the masks that mark each speaker in a two-person reference picture (the original makes them with SAM2 and
/// a face detector; here the person draws them, and a segmentation model could fill them in later). Kept apart
/// from the other loaders so the media layer can move to FFMpegCore/ImageSharp without touching it.
/// </summary>
public static class SpeakerMaskReader
{
    public static async Task<SpeakerMaskImage> ReadAsync(string path, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        var info = await ReferenceImageLoader.InspectAsync(path, options, ct).ConfigureAwait(false);
        if (info.Orientation > 1)
            throw new MediaException($"speaker mask '{path}' carries an EXIF rotation; save it upright (e.g. as PNG) so it lines up with the picture.");
        List<string> args = ["-nostdin", "-v", "error", "-noautorotate"];
        if (info.Format == "image2") args.AddRange(["-pattern_type", "none"]);
        args.AddRange(["-i", InputFile.FfmpegUrl(path), "-map", "0:v:0", "-frames:v", "1", "-vf", "format=rgb24", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        var r = await FfmpegRunner.RunAsync(options.Tools.Ffmpeg, args, ct).ConfigureAwait(false);
        var pixels = info.Width * info.Height;
        if (r.ExitCode != 0 || r.Stdout.Length != pixels * 3)
            throw new MediaException($"speaker mask '{path}' could not be decoded: {FfmpegException.Quote(r.StderrTail)}");
        var bits = new byte[pixels];
        for (var i = 0; i < pixels; i++)
            bits[i] = (byte)(r.Stdout[3 * i] != 0 || r.Stdout[3 * i + 1] != 0 || r.Stdout[3 * i + 2] != 0 ? 1 : 0);
        return new SpeakerMaskImage(path, info.Width, info.Height, bits);
    }
}
