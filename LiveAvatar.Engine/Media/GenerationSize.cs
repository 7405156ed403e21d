using LiveAvatar.Engine.Generation;

namespace LiveAvatar.Engine.Media;

/// <summary>The media code's view of <see cref="OutputSizes"/> (the generation contract owns the list and the rule);
/// an unsupported key is a media error here because it arrives with an image to load.</summary>
public static class GenerationSize
{
    public static IReadOnlyList<string> SupportedKeys => OutputSizes.Keys;

    public static int MaxArea(string? sizeKey) => OutputSizes.IsSupported(sizeKey)
        ? OutputSizes.MaxArea(sizeKey!)
        : throw new MediaException($"Unsupported --size '{sizeKey}'. Supported sizes: {string.Join(", ", OutputSizes.Keys)}.");

    public static (int Height, int Width) Compute(int height, int width, int targetArea, int divisor = 64) =>
        OutputSizes.Compute(height, width, targetArea, divisor);
}
