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
        // The size and pixel limits were checked from the header above; the decode itself goes through ImageSharp.
        using var image = await SixLabors.ImageSharp.Image.LoadAsync<SixLabors.ImageSharp.PixelFormats.Rgb24>(
            ImageDecoding.For(options), path, ct).ConfigureAwait(false);
        if (image.Width != info.Width || image.Height != info.Height)
            throw new MediaException($"speaker mask '{path}' decoded at {image.Width}x{image.Height}, not the {info.Width}x{info.Height} its header states.");
        var pixels = info.Width * info.Height;
        var bits = new byte[pixels];
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    bits[y * row.Length + x] = (byte)(row[x].R != 0 || row[x].G != 0 || row[x].B != 0 ? 1 : 0);
            }
        });
        return new SpeakerMaskImage(path, info.Width, info.Height, bits);
    }
}
