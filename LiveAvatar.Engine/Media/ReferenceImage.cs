namespace LiveAvatar.Engine.Media;

/// <summary>What ffprobe and the EXIF block say about a reference image, before any pixels are decoded.</summary>
/// <param name="Width">Upright width (after EXIF orientation).</param>
/// <param name="Height">Upright height (after EXIF orientation).</param>
public sealed record ImageInfo(string Path, string Format, string Codec, int Width, int Height, int Orientation);

/// <summary>
/// The reference image as the DiT/VAE wants it: RGB, CHW (3×Height×Width), values in [-1, 1], with padding at -1
/// (the original pads with 0 before scaling [0,1] to [-1,1]).
/// </summary>
public sealed record ReferenceImage(float[] Chw, int Width, int Height, ImageInfo Source)
{
    public float this[int channel, int y, int x] => Chw[(channel * Height + y) * Width + x];
}
