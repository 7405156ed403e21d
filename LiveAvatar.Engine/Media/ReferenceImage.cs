namespace LiveAvatar.Engine.Media;

/// <summary>What the image header says, read before any pixels are decoded.</summary>
/// <param name="Format">ImageSharp's format name: JPEG, PNG, GIF, BMP, WEBP, TIFF, TGA or PBM.</param>
/// <param name="MimeType">The format's registered type, e.g. image/jpeg.</param>
/// <param name="Extension">The format's usual file extension without the dot, e.g. jpg.</param>
/// <param name="Width">Upright width (after EXIF orientation).</param>
/// <param name="Height">Upright height (after EXIF orientation).</param>
/// <param name="Orientation">EXIF orientation 1..8 (1 when absent).</param>
public sealed record ImageInfo(string Path, string Format, string MimeType, string Extension, int Width, int Height, int Orientation);

/// <summary>
/// The reference image as the DiT/VAE wants it: RGB, CHW (3×Height×Width), values in [-1, 1], with padding at -1
/// (the original pads with 0 before scaling [0,1] to [-1,1]).
/// </summary>
public sealed record ReferenceImage(float[] Chw, int Width, int Height, ImageInfo Source)
{
    public float this[int channel, int y, int x] => Chw[(channel * Height + y) * Width + x];
}
