using System.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Pipelines.Core;

namespace LiveAvatar.Engine.Live;

internal sealed partial class LiveSession
{
    // The first block is short by the frames the VAE's first chunk loses; every later one is a whole block.
    private static readonly SegmentPlan BlockSegments = new(VideoTiming.FramesPerBlock - ClipGeometry.DroppedFirstFrames, VideoTiming.FramesPerBlock);

    private async Task RunAsync()
    {
        FragmentedVideoEncoder? encoder = null;
        var timings = new Dictionary<int, (long ArrivedAt, TimeSpan Generation)>();
        Task? sampler = null;
        var latencies = new List<TimeSpan>();
        try
        {
            // x264 "veryfast": a live block must be encoded in a fraction of its 0.48 s.
            encoder = await FragmentedVideoEncoder.StartAsync(_request.RecordingPath,
                new VideoEncoderSettings(_image.Width, _image.Height, null, BlockSegments, Preset: "veryfast") { LiveAudio = true },
                _media.Tools, _abort.Token).ConfigureAwait(false);
            await EmitAsync(new LiveStarted(_image.Width, _image.Height, VideoTiming.Fps, SlidingWindowAudioEncoder.SamplesPerBlock,
                _limits.AudioContextSeconds, _models.IsDemo)).ConfigureAwait(false);
            sampler = StartSamplerThread();
            async Task Publish(IReadOnlyList<VideoSegment> segments)
            {
                foreach (var s in segments)
                {
                    if (s.Number == 1) await EmitAsync(new LiveInitSegment(encoder.InitSegment!, encoder.MimeType!)).ConfigureAwait(false);
                    var known = timings.Remove(s.Number - 1, out var block);
                    var latency = known ? Stopwatch.GetElapsedTime(block.ArrivedAt) : TimeSpan.Zero;
                    latencies.Add(latency);
                    await EmitAsync(new LiveBlockReady(s.Number - 1, s.FirstFrame, s.FrameCount, s.Bytes, latency, block.Generation, Math.Round(_audio.QueuedSamples / (double)AudioTrack.SampleRate, 3))).ConfigureAwait(false);
                }
            }
            await foreach (var block in _frames.Reader.ReadAllAsync(_abort.Token).ConfigureAwait(false))
            {
                timings[block.Index] = (block.ArrivedAt, block.Generation);
                await Publish(await encoder.WriteBatchAsync(block.Frames, block.Samples, _abort.Token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            await sampler.ConfigureAwait(false);
            _ended = true;
            string? recording = null;
            if (encoder.FramesWritten > 0)
            {
                await Publish(await encoder.CompleteAsync(_abort.Token).ConfigureAwait(false)).ConfigureAwait(false);
                recording = encoder.OutputPath;
            }
            var frames = encoder.FramesWritten;
            await EmitAsync(new LiveEnded(recording, frames, VideoTiming.Duration(frames), latencies.Count,
                latencies.Count > 0 ? TimeSpan.FromTicks((long)latencies.Average(l => l.Ticks)) : null)).ConfigureAwait(false);
            _updates.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _ended = true;
            _abort.Cancel(); // stops the sampler thread if the encoder failed first
            _updates.Writer.TryComplete(Translate(e));
        }
        finally
        {
            _ended = true;
            _audio.Complete();
            // The device is free only once the sampler thread has let go of it.
            if (sampler is not null) try { await sampler.ConfigureAwait(false); } catch { /* already reported */ }
            if (encoder is not null) await encoder.DisposeAsync().ConfigureAwait(false);
            _releaseDevice();
        }
    }

    private ValueTask EmitAsync(LiveUpdate update) => _updates.Writer.WriteAsync(update, _abort.Token);

    private static Exception Translate(Exception e) => e switch
    {
        OperationCanceledException => new OperationCanceledException("the live session was stopped.", e),
        GenerationException => e,
        MediaException m => new GenerationException(GenerationErrorKind.BadInput, m.Message, null, m),
        System.Runtime.InteropServices.ExternalException t when GenerationHints.IsOutOfMemory(t) =>
            new GenerationException(GenerationErrorKind.OutOfMemory, "the device ran out of memory.", GenerationHints.OutOfMemory, t),
        _ => new GenerationException(GenerationErrorKind.Internal, e.Message, null, e),
    };
}
