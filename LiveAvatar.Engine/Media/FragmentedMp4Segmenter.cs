using System.Globalization;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Turns each finished clip into a fragmented-MP4 media segment that a browser's MediaSource can append after
/// <see cref="InitSegment"/>; consecutive clips play gap-free with their slice of the source audio.
/// <para>
/// Video: each clip is a fresh x264 encode (starts on an IDR, no B-frames so pts = dts), timescale 12800, 512 ticks
/// a frame, tfdt = first frame index × 512. Audio: the whole track is encoded to AAC once up front, so there is only
/// one encoder priming delay, which is dropped (its packet precedes time 0); packets then tile time exactly
/// (1024 samples at 48 kHz each) and clip k carries the packets that start inside its frame range, with
/// tfdt = first packet × 1024. Audio past the last clip is never sent (the live counterpart of `-shortest`).
/// </para>
/// </summary>
public sealed class FragmentedMp4Segmenter
{
    public const int Fps = 25;
    public const int VideoTimescale = 12800;
    public const int TicksPerFrame = VideoTimescale / Fps;
    public const int AudioSampleRate = 48000;
    public const int AudioBitRate = 192_000;
    private const int AacFrameSamples = 1024;

    private readonly FfmpegTools _tools;
    private readonly List<byte[]> _audioFrames;
    private readonly byte[] _sps;
    private uint _sequence;

    private FragmentedMp4Segmenter(int width, int height, byte[] init, byte[] sps, string codecs, List<byte[]> audioFrames,
        FfmpegTools tools)
    {
        _sps = sps;
        Width = width;
        Height = height;
        InitSegment = init;
        Codecs = codecs;
        _audioFrames = audioFrames;
        _tools = tools;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] InitSegment { get; }

    /// <summary>RFC 6381 codecs, e.g. "avc1.64001e, mp4a.40.2".</summary>
    public string Codecs { get; }

    /// <summary>The type to pass to MediaSource.addSourceBuffer / isTypeSupported.</summary>
    public string MimeType => $"video/mp4; codecs=\"{Codecs}\"";

    /// <summary>
    /// Encodes the audio once and a probe frame to learn the H.264 parameter sets, so the init segment exists
    /// before the first clip does (the page can open its SourceBuffer while the model is still warming up).
    /// </summary>
    public static async Task<FragmentedMp4Segmenter> CreateAsync(
        int width, int height, string? audioPath, FfmpegTools? tools = null, CancellationToken ct = default)
    {
        tools ??= FfmpegTools.Default;
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
            throw new ArgumentException($"yuv420p needs positive even sides; got {width}×{height}.");
        Adts.Track? audio = null;
        if (audioPath is not null)
        {
            InputFile.EnsureReadable(audioPath, "audio");
            var r = await FfmpegRunner.RunAsync(tools.Ffmpeg,
            [
                "-nostdin", "-v", "error", "-i", InputFile.FfmpegUrl(audioPath), "-map", "0:a:0", "-vn",
                "-c:a", "aac", "-b:a", AudioBitRate.ToString(CultureInfo.InvariantCulture),
                "-ar", AudioSampleRate.ToString(CultureInfo.InvariantCulture), "-ac", "2", "-f", "adts", "pipe:1",
            ], ct).ConfigureAwait(false);
            if (r.ExitCode != 0)
                throw new MediaException($"'{audioPath}' could not be encoded to AAC: {FfmpegException.Quote(r.StderrTail)}");
            audio = Adts.Parse(r.Stdout);
            // ffmpeg's AAC encoder emits one priming frame (initial_padding = 1024) before sample 0.
            if (audio.Frames.Count > 0) audio.Frames.RemoveAt(0);
        }
        var probe = new byte[width * height * 3];
        var units = await H264ClipEncoder.EncodeAsync([probe], width, height, tools, ct).ConfigureAwait(false);
        var init = FragmentedMp4Init.Build(width, height, units.Sps, units.Pps, VideoTimescale, audio, AudioBitRate);
        var codecs = AnnexB.CodecString(units.Sps) + (audio is null ? "" : ", mp4a.40.2");
        return new FragmentedMp4Segmenter(width, height, init, units.Sps, codecs, audio?.Frames ?? [], tools);
    }

    /// <summary>
    /// One media segment for frames [<paramref name="firstFrameIndex"/>, +frames.Count) of the output video.
    /// Call in clip order; segments are independent (each starts with a keyframe) but their times are absolute.
    /// </summary>
    public async Task<byte[]> EncodeClipAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> frames, int firstFrameIndex, CancellationToken ct = default)
    {
        if (frames.Count == 0) throw new ArgumentException("A clip needs at least one frame.", nameof(frames));
        ArgumentOutOfRangeException.ThrowIfNegative(firstFrameIndex);
        var units = await H264ClipEncoder.EncodeAsync(frames, Width, Height, _tools, ct).ConfigureAwait(false);
        if (units.AccessUnits.Count != frames.Count)
            throw new MediaException($"x264 returned {units.AccessUnits.Count} frames for {frames.Count} inputs.");
        // The init segment's avcC was made from a probe encode; a different SPS would need a new init segment.
        if (!units.Sps.AsSpan().SequenceEqual(_sps))
            throw new MediaException("x264 produced different stream parameters for this clip than for the init segment.");

        var (first, count) = AudioPacketRange(firstFrameIndex, frames.Count, _audioFrames.Count);
        return FragmentedMp4Fragment.Build(++_sequence,
            (ulong)firstFrameIndex * TicksPerFrame, units.AccessUnits, TicksPerFrame,
            (ulong)first * AacFrameSamples, _audioFrames.GetRange(first, count), AacFrameSamples);
    }

    /// <summary>AAC packets whose start time falls in [first/25 s, (first+count)/25 s).</summary>
    internal static (int First, int Count) AudioPacketRange(long firstFrame, int frameCount, int available)
    {
        const int samplesPerFrame = AudioSampleRate / Fps;
        static long CeilDiv(long a, long b) => (a + b - 1) / b;
        var start = Math.Min(CeilDiv(firstFrame * samplesPerFrame, AacFrameSamples), available);
        var end = Math.Min(CeilDiv((firstFrame + frameCount) * samplesPerFrame, AacFrameSamples), available);
        return ((int)start, (int)(end - start));
    }
}
