using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// The one ImageSharp configuration reference images are read with: multi-frame formats stop after their first
/// frame (PIL's Image.open shows frame 0), PNG text chunks are skipped rather than kept, and no single buffer may
/// exceed what the pixel limit allows, so a header that lies about its size cannot make the decoder allocate more.
/// </summary>
internal static class ImageDecoding
{
    public static Configuration For(MediaOptions options)
    {
        var config = Configuration.Default.Clone();
        // Rgba32 at the pixel limit plus the decoder's working rows; anything larger is not an image we accept.
        var limitMb = (int)Math.Min(int.MaxValue, options.MaxImagePixels * 4 / (1 << 20) + 64);
        config.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = limitMb });
        config.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        config.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        config.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        return config;
    }
}
