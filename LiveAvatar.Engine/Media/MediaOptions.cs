namespace LiveAvatar.Engine.Media;

/// <summary>Limits for decoded inputs. The defaults are the documented product limits.</summary>
public sealed record MediaOptions
{
    public static MediaOptions Default { get; } = new();

    public FfmpegTools Tools { get; init; } = FfmpegTools.Default;

    /// <summary>
    /// 50 megapixels admits 48 MP phone photos (8064×6048) but refuses absurd inputs (8000×8000) before decoding
    /// hundreds of megabytes of RGB that would be shrunk to well under one megapixel anyway.
    /// </summary>
    public long MaxImagePixels { get; init; } = 50_000_000;

    /// <summary>
    /// A reference picture is a photo: 64 MB holds any sane one. The cap keeps a file stuffed with metadata (a PNG
    /// text chunk of hundreds of megabytes) from being read at all.
    /// </summary>
    public long MaxImageBytes { get; init; } = 64L << 20;

    /// <summary>Below 64 px a side the smallest output grid (multiples of 64) would be mostly upscaled blur.</summary>
    public int MinImageSide { get; init; } = 64;

    /// <summary>Two hours of 16 kHz float audio is 460 MB in memory; longer jobs should be split.</summary>
    public TimeSpan MaxAudioDuration { get; init; } = TimeSpan.FromHours(2);
}
