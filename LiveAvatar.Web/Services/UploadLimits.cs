using System.Globalization;

namespace LiveAvatar.Web.Services;

/// <summary>Largest accepted uploads, set with --max-image-mb / --max-audio-mb.</summary>
public sealed record UploadLimits(long MaxImageBytes, long MaxAudioBytes)
{
    public const long MiB = 1024 * 1024;

    public static UploadLimits Default { get; } = new(20 * MiB, 200 * MiB);

    public static string Format(long bytes) =>
        (bytes / (double)MiB).ToString(bytes % MiB == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " MB";
}
