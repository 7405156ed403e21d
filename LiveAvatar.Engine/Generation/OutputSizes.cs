using System.Globalization;

namespace LiveAvatar.Engine.Generation;

/// <summary>
/// The original's output-size rule (causal_s2v_pipeline.get_gen_size / get_size_less_than_area): a size key only
/// picks a maximum area; the aspect ratio comes from the reference image and each side is padded up to a multiple
/// of 64. The double arithmetic follows the Python expression order so boundary cases round the same way.
/// </summary>
public static class OutputSizes
{
    /// <summary>The s2v-14B keys in the original's order; each key "A*B" means max area A·B.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "720*1280", "1280*720", "480*832", "832*480", "1024*704", "704*1024",
        "704*1280", "1280*704", "384*256", "720*400", "704*384", "688*368",
    ];

    public static bool IsSupported(string? key) => key is not null && Keys.Contains(key.Trim());

    /// <summary>The maximum pixel area a supported key stands for.</summary>
    public static int MaxArea(string key)
    {
        if (!IsSupported(key)) throw new ArgumentException(UnsupportedMessage(key), nameof(key));
        var parts = key.Trim().Split('*');
        return int.Parse(parts[0], CultureInfo.InvariantCulture) * int.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    public static string UnsupportedMessage(string? key) =>
        $"'{key}' is not a supported size; use one of {string.Join(", ", Keys)}.";

    /// <summary>Output width and height for an upright image of the given size under a size key.</summary>
    public static (int Width, int Height) For(int imageWidth, int imageHeight, string key)
    {
        var (h, w) = Compute(imageHeight, imageWidth, MaxArea(key));
        return (w, h);
    }

    /// <summary>Output (Height, Width) for an upright source of the given size.</summary>
    public static (int Height, int Width) Compute(int height, int width, int targetArea, int divisor = 64)
    {
        double minScale, maxScale;
        if ((long)height * width <= targetArea)
        {
            minScale = 0.1;
            maxScale = 1.0;
        }
        else
        {
            // Smallest scale at which even worst-case padding (divisor-1 per side) still fits the area.
            double d = divisor - 1;
            double b = d * (height + width);
            double a = (double)height * width;
            double c = d * d - targetArea;
            minScale = (-b + Math.Sqrt(b * b - 2 * a * c)) / (2 * a);
            maxScale = Math.Sqrt(targetArea / ((double)height * width));
        }

        for (var i = 0; i < 100; i++)
        {
            var scale = maxScale - (maxScale - minScale) * i / 100;
            var newHeight = (int)(height * scale);
            var newWidth = (int)(width * scale);
            // The original pads to 64 here whatever divisor says; kept for parity.
            var paddedHeight = newHeight + (64 - newHeight % 64) % 64;
            var paddedWidth = newWidth + (64 - newWidth % 64) % 64;
            if ((long)paddedHeight * paddedWidth <= targetArea) return (paddedHeight, paddedWidth);
        }

        var aspect = (double)width / height;
        var targetWidth = (int)(Math.Floor(Math.Sqrt(targetArea * aspect) / divisor) * divisor);
        var targetHeight = (int)(Math.Floor(Math.Sqrt(targetArea / aspect) / divisor) * divisor);
        if (targetWidth >= width || targetHeight >= height)
        {
            targetWidth = width / divisor * divisor;
            targetHeight = height / divisor * divisor;
        }
        return (targetHeight, targetWidth);
    }
}
