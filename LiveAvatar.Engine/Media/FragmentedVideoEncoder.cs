using System.Globalization;
using System.Text.RegularExpressions;
using FFMpegCore;
using FFMpegCore.Enums;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// One long-lived ffmpeg per job: raw RGB24 frames go in through a pipe, x264 encodes each frame once, and ffmpeg's
/// own HLS muxer writes an fMP4 init segment plus one numbered media segment per generator batch (video and its
/// slice of AAC audio) into a hidden work folder. The final MP4 is a stream copy of those same segments.
/// <para>
/// Latency: a muxer can only close a segment when the next segment's first packet arrives (or the input ends), so
/// the segment for batch k is handed back by the call that writes batch k+1, and the last by <see cref="CompleteAsync"/>.
/// x264 runs with zerolatency (no lookahead, no B-frames) so frames leave the encoder as they arrive.
/// </para>
/// </summary>
public sealed partial class FragmentedVideoEncoder : IAsyncDisposable
{
    public const int Fps = LiveAvatar.Engine.Generation.VideoTiming.Fps;
    public const int AudioBitRate = 192_000;
    public const int AudioSampleRate = 48_000;

    private readonly RawFrameSource _source;
    private readonly RawPcmSource? _pcm;
    private readonly Task<FFMpegResult> _ffmpeg;
    private readonly Action _quit;
    private readonly List<(int FirstFrame, int FrameCount)> _batches = [];
    private readonly List<string> _stderr = [];
    private readonly double? _audioSeconds;
    private int _segmentsReturned;
    private bool _finished;

    private FragmentedVideoEncoder(string outputPath, string workFolder, VideoEncoderSettings settings, FfmpegTools tools,
        double? audioSeconds)
    {
        OutputPath = outputPath;
        WorkFolder = workFolder;
        Settings = settings;
        Tools = tools;
        _audioSeconds = audioSeconds;
        _source = new RawFrameSource(settings.Width, settings.Height, Fps);
        // Live inputs: no probing, so ffmpeg starts on the first frames instead of waiting for seconds of input.
        var input = FFMpegArguments.FromPipeInput(_source, o => { if (settings.LiveAudio) o.WithCustomArgument(LiveProbe); });
        if (settings.AudioPath is not null)
            input = input.AddFileInput(InputFile.ForFfmpeg(settings.AudioPath, "audio"), verifyExists: false);
        else if (settings.LiveAudio)
            input = input.AddPipeInput(_pcm = new RawPcmSource(), o => o.WithCustomArgument(LiveProbe));
        var command = input
            .OutputToFile(Path.Combine(workFolder, "index.m3u8"), overwrite: true, o => o.WithCustomArgument(OutputArguments()))
            .WithLogLevel(FFMpegLogLevel.Info) // x264's closing summary (frames encoded per type) is an info line
            .NotifyOnStandardError(line => { lock (_stderr) _stderr.Add(line); })
            .CancellableThrough(out _quit, TimeSpan.FromSeconds(5));
        _ffmpeg = command.ProcessAsynchronously(throwOnError: false, tools.ForFfmpeg());
    }

    public string OutputPath { get; }
    public string WorkFolder { get; }
    public VideoEncoderSettings Settings { get; }
    public FfmpegTools Tools { get; }

    /// <summary>Frames handed to ffmpeg so far.</summary>
    public int FramesWritten { get; private set; }

    /// <summary>The fMP4 init segment (moov); known once the first media segment is, as ffmpeg writes them together.</summary>
    public byte[]? InitSegment { get; private set; }

    /// <summary>The MediaSource type from ffmpeg's own master playlist, e.g. video/mp4; codecs="avc1.64001f,mp4a.40.2".</summary>
    public string? MimeType { get; private set; }

    /// <summary>Frames x264 reported encoding (its closing "frame I:n / P:n" summary); set after completion.</summary>
    public int? EncodedFrames { get; private set; }

    public static async Task<FragmentedVideoEncoder> StartAsync(string outputPath, VideoEncoderSettings settings,
        FfmpegTools? tools = null, CancellationToken ct = default)
    {
        tools ??= FfmpegTools.Default;
        settings.Segments.Validate();
        if (settings.Width <= 0 || settings.Height <= 0 || settings.Width % 2 != 0 || settings.Height % 2 != 0)
            throw new ArgumentException($"yuv420p needs positive even sides; got {settings.Width}×{settings.Height}.");
        var full = InputFile.ForFfmpeg(outputPath, "output");
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new MediaException($"The output folder '{dir}' does not exist.");
        double? audioSeconds = null;
        if (settings.AudioPath is not null)
        {
            InputFile.EnsureReadable(settings.AudioPath, "audio");
            var probe = await MediaProbe.ProbeAsync(settings.AudioPath, tools, ct).ConfigureAwait(false);
            var stream = probe.AudioStreams.FirstOrDefault()
                ?? throw new MediaException($"'{settings.AudioPath}' has no audio stream: ffprobe sees {probe.Describe()}.");
            audioSeconds = stream.Duration ?? probe.Duration;
        }
        tools.ForFfmpeg(); // a missing ffmpeg is reported here, before the work folder exists
        var work = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.parts");
        Directory.CreateDirectory(work);
        return new FragmentedVideoEncoder(full, work, settings, tools, audioSeconds);
    }

    private string OutputArguments()
    {
        var s = Settings;
        var args = new List<string> { "-hide_banner", "-nostats", "-map 0:v:0" };
        // apad + -shortest: the output ends with the video whichever stream is longer; silence fills a short track.
        if (s.HasAudio) args.Add("-map 1:a:0 -af apad -shortest");
        args.Add(string.Create(CultureInfo.InvariantCulture,
            $"-c:v libx264 -preset {s.Preset} -tune zerolatency -crf {s.Crf} -pix_fmt yuv420p -r {Fps}"));
        // CRF decides the rate (x264 ignores a bit rate in CRF mode without VBV); the nominal figure only lets the
        // HLS muxer write BANDWIDTH and CODECS into its master playlist, which it skips for a stream with no rate.
        args.Add("-b:v 2M");
        // Keyframes only where the plan cuts: every segment starts on an IDR and no other keyframe splits one.
        args.Add($"-x264-params keyint=infinite:scenecut=0 -forced-idr 1 -force_key_frames {s.Segments.KeyframeExpression()}");
        if (s.HasAudio)
            args.Add(string.Create(CultureInfo.InvariantCulture, $"-c:a aac -b:a {AudioBitRate} -ar {AudioSampleRate} -ac 2"));
        // Video starts at 0; the AAC priming frame sits before 0 behind an edit list instead of shifting the video.
        args.Add("-avoid_negative_ts disabled");
        args.Add("-f hls -hls_segment_type fmp4 -hls_time 0.001 -hls_list_size 0 -hls_playlist_type event");
        args.Add("-hls_flags temp_file+independent_segments -start_number 1 -hls_fmp4_init_filename init.mp4");
        args.Add($"-hls_segment_filename \"{Path.Combine(WorkFolder, "seg_%d.m4s")}\" -master_pl_name master.m3u8");
        return string.Join(' ', args);
    }

    private const string LiveProbe = "-probesize 32 -analyzeduration 0";

    [GeneratedRegex(@"\[libx264 @ [^\]]+\] frame [IPB]:(\d+)")]
    private static partial Regex X264FrameSummary();
}
