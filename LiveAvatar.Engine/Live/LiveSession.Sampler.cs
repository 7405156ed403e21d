using System.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Text;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Live;

internal sealed partial class LiveSession
{
    private Task StartSamplerThread() =>
        DedicatedThread.Run("liveavatar-live-sampler", RunSampler, () => _frames.Writer.TryComplete());

    // The timestep-forcing sampler with one stage per DiT device (one on a single GPU): it decodes block by block
    // with the streaming VAE, which is what a live stream needs. Its audio comes from NextBlockAudio.
    private void RunSampler()
    {
        var o = _models.Options;
        using var scope = torch.NewDisposeScope();
        var context = _models.TextEncoder.EncodePrompts(_models.Tokenizer, [_request.Prompt])[0].to(o.DType, o.Device);
        var features = new SlidingWindowAudioEncoder(_models.AudioModel, o.EncoderDevice, _limits.AudioContextSeconds);
        var wav2vec = _models.AudioModel.Config;
        var layout = torch.zeros([1, wav2vec.NumHiddenLayers + 1, wav2vec.HiddenSize, 0], o.DType, o.Device);
        var refPixels = torch.tensor(_image.Chw, [3, 1, _image.Height, _image.Width]);
        var clips = Math.Max(1, (int)(_limits.MaxDuration.TotalSeconds * VideoTiming.Fps / _request.InferFrames));
        var inputs = new SamplerInputs(refPixels, context, layout, clips, _request.InferFrames, _request.SampleSteps,
            OnlineDecode: true, Norm3Bf16: o.DType == ScalarType.BFloat16, BlockAudio: (_, _, ct) => NextBlockAudio(features, ct),
            SinkCache: _models.SinkCache);
        IReadOnlyList<(Models.Dit.CausalWanModelS2V, Device)> stages = _models.DitStages.Count > 0 ? _models.DitStages : [(_models.Dit, o.Device)];
        var sampler = new PipelineSampler(stages, _models.Vae, o.DType)
        {
            EmitBlocks = true, OffloadKvCache = _offloadKvCache, KvBudgetBytes = _kvBudgetBytes, KvRingFormat = _kvRings,
            HostRings = _models.HostRingsFor(_offloadKvCache || _kvBudgetBytes is not null),
        };
        using var run = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, _audioDone.Token);
        try
        {
            foreach (var e in sampler.Run(inputs, new SeededRandomness((ulong)_request.Seed), run.Token))
            {
                if (e is SamplerClip) e.DisposeTensors(); // its frames went out block by block
                if (e is not SamplerBlock block) continue;
                IReadOnlyList<byte[]> rgb;
                using (block.Video) rgb = SaveVideoConversion.ToUint8(block.Video);
                var index = Interlocked.Increment(ref _received) - 1;
                if (!_pending.TryRemove(index, out var audio))
                    throw new InvalidOperationException($"block {index} was generated without its audio");
                // The first block loses its first frames (the VAE's first chunk); its audio loses the same span, so
                // sound and picture stay in step (the original's batch mux keeps that audio and runs 0.12 s early).
                var samples = audio.Audio.Samples.AsSpan(audio.Audio.Samples.Length - rgb.Count * AudioTrack.SampleRate / VideoTiming.Fps).ToArray();
                _frames.Writer.WriteAsync(new GeneratedBlock(index, rgb, samples, audio.Audio.ArrivedAt, Stopwatch.GetElapsedTime(audio.TakenAt)), _abort.Token)
                    .AsTask().GetAwaiter().GetResult();
                if (Volatile.Read(ref _final) == index + 1) break;
            }
        }
        catch (OperationCanceledException) when (_audioDone.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            // The audio ended and every block it made is out.
        }
    }

    // Called by the sampler's first stage when it starts a block: waits for the block's audio (or the end of it).
    private Tensor NextBlockAudio(SlidingWindowAudioEncoder features, CancellationToken ct)
    {
        var block = _audio.Take(ct);
        ReportQueueAsync(ct).AsTask().GetAwaiter().GetResult();
        if (block is null)
        {
            // No more audio: the run stops once the blocks already handed out are out (the reader breaks on the last
            // one; if it already has them all, stopping here ends it).
            Interlocked.Exchange(ref _final, _handedOut);
            if (Volatile.Read(ref _received) == _handedOut) _audioDone.Cancel();
            ct.WaitHandle.WaitOne();
            ct.ThrowIfCancellationRequested();
        }
        _pending[block!.Index] = (block, Now);
        _handedOut++;
        return features.Next(block.Samples);
    }
}
