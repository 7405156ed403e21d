using System.Text.RegularExpressions;

namespace LiveAvatar.Engine.Media;

public sealed partial class FragmentedVideoEncoder
{
    /// <summary>
    /// Queues one batch of frames (what the generator flushed: a clip today, a block soon) and returns the segments
    /// that are now complete: the previous batch's, since its segment closes when this batch's first frame arrives.
    /// The batch must end on a cut of <see cref="VideoEncoderSettings.Segments"/>.
    /// </summary>
    public Task<IReadOnlyList<VideoSegment>> WriteBatchAsync(IReadOnlyList<byte[]> frames, CancellationToken ct = default)
    {
        if (_pcm is not null) throw new InvalidOperationException("This encoder takes live audio: write each batch with its samples.");
        return WriteFramesAsync(frames, ct);
    }

    /// <summary>
    /// A batch with its own audio (<see cref="VideoEncoderSettings.LiveAudio"/>): 16 kHz mono samples in [−1, 1],
    /// exactly as long as the frames (640 per frame at 25 fps). The samples go in first: ffmpeg reads both pipes on
    /// threads of its own, and audio ahead of video never stalls the video.
    /// </summary>
    public Task<IReadOnlyList<VideoSegment>> WriteBatchAsync(IReadOnlyList<byte[]> frames, ReadOnlySpan<float> samples, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_pcm is null) throw new InvalidOperationException("This encoder was not started for live audio (VideoEncoderSettings.LiveAudio).");
        var expected = (long)frames.Count * AudioTrack.SampleRate / Fps;
        if (samples.Length != expected)
            throw new ArgumentException($"{frames.Count} frames need {expected} audio samples at {AudioTrack.SampleRate} Hz; got {samples.Length}.", nameof(samples));
        _pcm.Queue(samples);
        return WriteFramesAsync(frames, ct);
    }

    private async Task<IReadOnlyList<VideoSegment>> WriteFramesAsync(IReadOnlyList<byte[]> frames, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (frames.Count == 0) throw new ArgumentException("A batch needs at least one frame.", nameof(frames));
        var end = FramesWritten + frames.Count;
        if (!Settings.Segments.IsBoundary(end))
            throw new InvalidOperationException($"The generator flushed frames {FramesWritten}–{end - 1}, but the segment " +
                $"plan ({Settings.Segments.FirstSegmentFrames} then every {Settings.Segments.FramesPerSegment}) does not cut after frame {end - 1}.");
        var bytes = Settings.Width * Settings.Height * 3;
        foreach (var f in frames)
        {
            if (f.Length != bytes)
                throw new ArgumentException($"A frame must be {Settings.Width}×{Settings.Height}×3 = {bytes} bytes; got {f.Length}.");
            if (_ffmpeg.IsCompleted) throw await FailureAsync().ConfigureAwait(false);
            try
            {
                await _source.QueueAsync(f, ct).ConfigureAwait(false);
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                throw await FailureAsync().ConfigureAwait(false); // ffmpeg stopped reading: it failed
            }
        }
        _batches.Add((FramesWritten, frames.Count));
        FramesWritten = end;
        return await WaitForSegmentsAsync(_batches.Count - 1, ct).ConfigureAwait(false);
    }

    /// <summary>Waits until ffmpeg has closed <paramref name="count"/> segments in all, then returns the new ones.</summary>
    private async Task<IReadOnlyList<VideoSegment>> WaitForSegmentsAsync(int count, CancellationToken ct)
    {
        // ffmpeg renames the media playlist that lists the first segment into place and only then writes the master
        // playlist (the MIME type's source): the first segments also wait for that.
        while (ListedSegments() < count || (count > 0 && MimeType is null && !File.Exists(MasterPlaylistPath)))
        {
            if (_ffmpeg.IsCompleted) throw await FailureAsync().ConfigureAwait(false);
            await Task.Delay(5, ct).ConfigureAwait(false);
        }
        return await TakeSegmentsAsync(count, ct).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<VideoSegment>> TakeSegmentsAsync(int count, CancellationToken ct)
    {
        var ready = new List<VideoSegment>();
        for (var n = _segmentsReturned + 1; n <= count; n++)
        {
            if (n > _batches.Count)
                throw new MediaException($"ffmpeg wrote more segments ({ListedSegments()}) than batches were written ({_batches.Count}).");
            InitSegment ??= await File.ReadAllBytesAsync(Path.Combine(WorkFolder, "init.mp4"), ct).ConfigureAwait(false);
            MimeType ??= ReadMimeType();
            var (first, frames) = _batches[n - 1];
            ready.Add(new VideoSegment(n, first, frames, await File.ReadAllBytesAsync(SegmentPath(n), ct).ConfigureAwait(false)));
        }
        _segmentsReturned = Math.Max(_segmentsReturned, count);
        return ready;
    }

    // temp_file: ffmpeg writes it under another name and renames it, so once it exists it is whole.
    private string MasterPlaylistPath => Path.Combine(WorkFolder, "master.m3u8");

    private string SegmentPath(int number) => Path.Combine(WorkFolder, $"seg_{number}.m4s");

    /// <summary>Segments ffmpeg has finished: the media playlist lists a segment once it is closed.</summary>
    private int ListedSegments()
    {
        var playlist = Path.Combine(WorkFolder, "index.m3u8");
        if (!File.Exists(playlist)) return 0;
        try
        {
            // temp_file: ffmpeg renames a finished playlist into place, so a read never sees half of one.
            return File.ReadLines(playlist).Count(l => l.StartsWith("seg_", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return _segmentsReturned; // replaced while being read; the next poll sees the new one
        }
    }

    private string ReadMimeType()
    {
        var master = File.ReadAllText(MasterPlaylistPath);
        var codecs = CodecsAttribute().Match(master);
        if (!codecs.Success) throw new MediaException($"ffmpeg's master playlist names no codecs: {master.ReplaceLineEndings(" | ")}");
        return $"video/mp4; codecs=\"{codecs.Groups[1].Value.Replace(",", ", ", StringComparison.Ordinal)}\"";
    }

    [GeneratedRegex("CODECS=\"([^\"]+)\"")]
    private static partial Regex CodecsAttribute();
}
