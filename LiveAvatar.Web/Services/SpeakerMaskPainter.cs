using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LiveAvatar.Web.Services;

/// <summary>Turns a speaker's mark into the mask image the engine reads: the reference picture's size, black, with
/// the mark's circle filled white (the original's SAM2 masks are white where the person is).</summary>
public static class SpeakerMaskPainter
{
    public static void WritePng(SpeakerMark mark, int width, int height, string path)
    {
        using var image = Paint(mark, width, height);
        image.SaveAsPng(path);
    }

    public static Image<L8> Paint(SpeakerMark mark, int width, int height)
    {
        var (cx, cy, r) = mark.InPixels(width, height);
        var image = new Image<L8>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                double dy = y + 0.5 - cy;
                for (int x = 0; x < row.Length; x++)
                {
                    double dx = x + 0.5 - cx;
                    row[x] = new L8(dx * dx + dy * dy <= r * r ? byte.MaxValue : byte.MinValue);
                }
            }
        });
        return image;
    }
}
