using System.Runtime.InteropServices;
using LiveAvatar.Engine.Native;
using System.Diagnostics;
using System.Threading.Channels;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Models.Text;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines;

public sealed partial class LiveAvatarGenerator
{
    private sealed record ClipFrames(int Index, int FirstFrame, IReadOnlyList<byte[]> Frames);

    private async Task RunJobAsync(GenerationRequest request, ChannelWriter<GenerationUpdate> updates, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        FragmentedVideoEncoder? encoder = null;
        var output = Path.GetFullPath(request.OutputPath ?? Path.Combine(Options.OutputDirectory,
            OutputNames.Default(request.SampleSteps, request.Prompt, DateTime.Now)));
        Exception? failure = null;
        var kept = 0;
        string? mixedAudio = null;
        Tensor? speakerMask = null;
        MemoryPlan? plan = null;
        try
        {
            var image = await Guard(() => ReferenceImageLoader.LoadAsync(request.ImagePath, request.Size, Options.Media, ct));
            var audio = await Guard(() => AudioLoader.LoadAsync(request.AudioPath, Options.Media, ct));
            var extra = await Guard(() => LoadConditioningAsync(request, image, ct));
            speakerMask = extra.SpeakerMask;
            plan = PlanMemory(request);
            var memory = plan;
            var models = await Task.Run(() => EnsureLoaded(request, memory), ct);
            var allowed = Math.Min(audio.ClipCount(request.InferFrames), extra.SecondAudio?.ClipCount(request.InferFrames) ?? int.MaxValue);
            var clips = Math.Min(request.NumClip ?? allowed, allowed);
            var totalFrames = VideoTiming.OutputFrames(clips, request.InferFrames);
            // Two speakers: the video carries both tracks mixed, as the original's amix does.
            var soundtrack = request.AudioPath;
            if (request.HasTwoSpeakers)
            {
                mixedAudio = Path.Combine(Path.GetTempPath(), $"liveavatar-mix-{Guid.NewGuid():N}.wav");
                await Guard(async () => { await AudioMixer.MixAsync([request.AudioPath, request.SecondAudioPath!], mixedAudio, Options.Media, ct); return 0; });
                soundtrack = mixedAudio;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            // One encoder for the whole job; a segment is cut wherever the sampler hands frames over: every 12-frame
            // block when it streams blocks, else every clip.
            var segments = StreamsBlocks(models, request, plan)
                ? SegmentPlan.PerClip(ClipGeometry.FramesPerBlock * ClipGeometry.VideoFramesPerLatent, ClipGeometry.DroppedFirstFrames)
                : SegmentPlan.PerClip(request.InferFrames, ClipGeometry.DroppedFirstFrames);
            encoder = await Guard(() => FragmentedVideoEncoder.StartAsync(output,
                new VideoEncoderSettings(image.Width, image.Height, soundtrack, segments), Options.Media.Tools, ct));
            await updates.WriteAsync(new GenerationStarted(image.Width, image.Height, clips, totalFrames, VideoTiming.Fps,
                models.IsDemo) { Memory = plan }, ct);

            // Denoising runs on a thread of its own (dispose scopes are per thread); clips are encoded here meanwhile.
            var frames = Channel.CreateBounded<ClipFrames>(2);
            var producer = StartSamplerThread(models, request, plan, image, new SamplerMedia(audio, extra, Options.Media), clips, clock, updates, frames.Writer, ct);
            var firstClip = TimeSpan.Zero;
            async Task Publish(IReadOnlyList<VideoSegment> ready)
            {
                foreach (var segment in ready)
                {
                    if (segment.Number == 1)
                    {
                        firstClip = clock.Elapsed;
                        await updates.WriteAsync(new PreviewReady(encoder.InitSegment!, encoder.MimeType!), CancellationToken.None);
                    }
                    await updates.WriteAsync(new ClipReady(segment.Number - 1, segment.FirstFrame, segment.FrameCount, segment.Bytes, clock.Elapsed), CancellationToken.None);
                }
            }
            await foreach (var clip in frames.Reader.ReadAllAsync(CancellationToken.None))
                await Publish(await encoder.WriteBatchAsync(clip.Frames, CancellationToken.None));
            await producer;
            await Publish(await encoder.CompleteAsync(CancellationToken.None));
            await updates.WriteAsync(new GenerationCompleted(output, encoder.FramesWritten, VideoTiming.Fps, clock.Elapsed, firstClip, models.IsDemo), CancellationToken.None);
        }
        catch (Exception e)
        {
            failure = e;
            // Keep what was produced: a cancelled or failed run still leaves its finished clips as a playable MP4.
            if (encoder is { FramesWritten: > 0 })
            {
                try
                {
                    await encoder.CompleteAsync(CancellationToken.None);
                    kept = encoder.FramesWritten;
                }
                catch (MediaException) { }
                catch (ObjectDisposedException) { } // the encoder had already failed and cleaned up
            }
        }
        finally
        {
            if (encoder != null) await encoder.DisposeAsync();
            speakerMask?.Dispose();
            if (mixedAudio is not null) File.Delete(mixedAudio);
            updates.TryComplete(Translate(failure, output, kept, plan));
        }
    }

    private static Task StartSamplerThread(ModelSet models, GenerationRequest request, MemoryPlan plan, ReferenceImage image, SamplerMedia media,
        int clips, Stopwatch clock, ChannelWriter<GenerationUpdate> updates, ChannelWriter<ClipFrames> frames, CancellationToken ct) =>
        DedicatedThread.Run("liveavatar-sampler", () => RunSampler(models, request, plan, image, media, clips, clock, updates, frames, ct),
            () => frames.TryComplete());

    private static void RunSampler(ModelSet models, GenerationRequest request, MemoryPlan plan, ReferenceImage image, SamplerMedia media,
        int clips, Stopwatch clock, ChannelWriter<GenerationUpdate> updates, ChannelWriter<ClipFrames> frames, CancellationToken ct)
    {
        var o = models.Options;
        using var scope = torch.NewDisposeScope();
        // Guidance (> 1) adds the negative prompt's context; the prompts go through T5 together.
        var guided = request.GuideScale > 1;
        var contexts = models.TextEncoder.EncodePrompts(models.Tokenizer,
            guided ? [request.Prompt, request.NegativePrompt ?? NegativePrompts.WanDefault] : [request.Prompt])
            .Select(c => c.to(o.DType, o.Device)).ToArray();
        var audioEmb = EncodeSpeakers(models, media, request.InferFrames).to(o.DType, o.Device);
        var pose = media.Extra.PoseVideo is { } pv
            ? PoseConditioning.Encode(pv, clips, request.InferFrames, image.Height, image.Width, new Wan21ClipVae(models.Vae), media.Options, ct)
            : null;
        using var poseLatents = new DisposeAll(pose);
        var refPixels = torch.tensor(image.Chw, [3, 1, image.Height, image.Width]);
        var inputs = new SamplerInputs(refPixels, contexts[0], audioEmb, clips, request.InferFrames, request.SampleSteps,
            request.OnlineDecode, Norm3Bf16: o.DType == ScalarType.BFloat16,
            NegativeContext: guided ? contexts[1] : null, GuideScale: request.GuideScale,
            PoseLatents: pose, SpeakerMask: media.Extra.SpeakerMask, SinkCache: models.SinkCache);
        // The original's timestep-forcing pipeline (stage i runs step i; one stage runs them all), handing out each
        // decoded 12-frame block at once. Guidance needs the original's single-GPU loop.
        var streaming = StreamsBlocks(models, request, plan);
        var offloadKv = OffloadsKv(request, plan);
        var hostRings = models.HostRingsFor(offloadKv || plan.KvBudgetBytes is not null);
        IEnumerable<SamplerEvent> Events(SamplerInputs si, ISamplerRandomness rnd) => streaming
            ? new PipelineSampler(models.DitStages, models.Vae, o.DType)
            {
                EmitBlocks = true, OffloadKvCache = offloadKv, HostRings = hostRings, KvBudgetBytes = plan.KvBudgetBytes,
                KvRingFormat = plan.KvRingFormat,
            }.Run(si, rnd, ct)
            : new SingleDeviceSampler(models.Dit, models.Vae, o.Device, o.DType, offloadKv)
                { HostRings = hostRings, KvBudgetBytes = plan.KvBudgetBytes, KvRingFormat = plan.KvRingFormat }.Run(si, rnd, ct);
        var geometry = ClipGeometry.For(inputs);
        var blocks = geometry.Blocks;
        var totalSteps = (double)clips * blocks * request.SampleSteps;
        var done = 0;
        var firstFrame = 0;
        var denoiseStart = clock.Elapsed;
        var handed = 0;
        void Hand(Tensor video)
        {
            IReadOnlyList<byte[]> rgb;
            using (video) rgb = SaveVideoConversion.ToUint8(video);
            frames.WriteAsync(new ClipFrames(handed++, firstFrame, rgb), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            firstFrame += rgb.Count;
        }
        foreach (var e in Events(inputs, new SeededRandomness((ulong)request.Seed)))
        {
            switch (e)
            {
                case SamplerStep s:
                    done++;
                    var spent = clock.Elapsed - denoiseStart;
                    var eta = TimeSpan.FromTicks((long)(spent.Ticks / (double)done * (totalSteps - done)));
                    updates.TryWrite(new GenerationProgress(s.Clip + 1, clips, s.Block + 1, blocks, s.Step + 1, request.SampleSteps,
                        clock.Elapsed, eta, Memory(o.Device), $"clip {s.Clip + 1}/{clips} block {s.Block + 1}/{blocks} step {s.Step + 1}/{request.SampleSteps}"));
                    break;
                case SamplerBlock blk:
                    Hand(blk.Video);
                    break;
                case SamplerClip c when streaming:
                    c.DisposeTensors(); // its frames went out block by block
                    break;
                case SamplerClip c:
                    using (c.Latents) Hand(c.Video);
                    break;
            }
        }
    }

    /// <summary>Whether the job runs block-streaming (the pipeline sampler) rather than the original's single-GPU loop.</summary>
    private static bool StreamsBlocks(ModelSet models, GenerationRequest request, MemoryPlan plan) =>
        models.DitStages.Count > 1 || !request.OriginalLoop && !GenerationLimits.UsesGuidance(request.GuideScale);

    // The KV rings in host memory: asked for, or what the memory profile needs (only GPU plans do; both loops support it).
    private static bool OffloadsKv(GenerationRequest request, MemoryPlan plan) => request.OffloadKvCache || plan.KvOnHost;

    private static IReadOnlyList<DeviceMemory> Memory(Device d)
    {
        if (d.type != DeviceType.CUDA) return [new DeviceMemory(d.ToString(), Environment.WorkingSet, null)];
        var stats = CudaDevices.MemoryStats(d.index);
        var (_, total) = CudaDevices.MemoryInfo(d.index);
        return [new DeviceMemory(d.ToString(), stats.Allocated, total)];
    }

    private static async Task<T> Guard<T>(Func<Task<T>> load)
    {
        try { return await load(); }
        catch (MediaException e) { throw new GenerationException(GenerationErrorKind.BadInput, e.Message, null, e); }
    }

    private static Exception? Translate(Exception? e, string output, int keptFrames, MemoryPlan? plan)
    {
        var kept = keptFrames > 0 && File.Exists(output) ? $" The {keptFrames} frames finished so far are in {output}." : "";
        return e switch
        {
            null => null,
            OperationCanceledException => new OperationCanceledException("generation cancelled." + kept, e),
            GenerationException g => kept.Length == 0 ? g : new GenerationException(g.Kind, g.Message + kept, g.Hint, g),
            ExternalException t when GenerationHints.IsOutOfMemory(t) =>
                new GenerationException(GenerationErrorKind.OutOfMemory, GenerationHints.OutOfMemoryMessage(plan) + kept,
                    GenerationHints.OutOfMemoryUnder(plan), t),
            _ => new GenerationException(GenerationErrorKind.Internal, e.Message + kept, null, e),
        };
    }
}
