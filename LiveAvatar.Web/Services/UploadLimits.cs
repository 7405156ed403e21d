using System.Globalization;

namespace LiveAvatar.Web.Services;

/// <summary>Largest accepted uploads, set with --max-image-mb / --max-audio-mb / --max-video-mb. A pose video is
/// also held to <see cref="MaxVideoDuration"/> and <see cref="MaxVideoSide"/> (its frames are decoded whole).</summary>
public sealed record UploadLimits(long MaxImageBytes, long MaxAudioBytes, long MaxVideoBytes)
{
    public const long MiB = 1024 * 1024;

    public UploadLimits(long maxImageBytes, long maxAudioBytes) : this(maxImageBytes, maxAudioBytes, Default.MaxVideoBytes) { }

    public static UploadLimits Default { get; } = new(20 * MiB, 200 * MiB, 100 * MiB);

    /// <summary>Ten minutes of pose drives 15,000 frames, far past what one job renders.</summary>
    public TimeSpan MaxVideoDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Pose frames are resized to the output (at most 1280 wide); 4096 keeps a 4K render and refuses 8K.</summary>
    public int MaxVideoSide { get; init; } = 4096;

    public long MaxBytes(UploadKind kind) => kind switch
    {
        UploadKind.Image => MaxImageBytes,
        UploadKind.Audio => MaxAudioBytes,
        _ => MaxVideoBytes,
    };

    public static string Format(long bytes) =>
        (bytes / (double)MiB).ToString(bytes % MiB == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " MB";
}
