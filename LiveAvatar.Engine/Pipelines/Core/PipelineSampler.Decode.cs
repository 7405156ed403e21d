using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

public sealed partial class PipelineSampler
{
    private sealed partial class PipelineRun
    {
        // The VAE rank: encodes the sink inputs for every stage, then stream-decodes each clean block as it arrives
        // and reports a clip once its last block is decoded.
        private void DecodeLoop()
        {
            var vae = _sampler._vae;
            var sink = EncodeSink();
            _sink.SetResult(sink);
            using var decoder = vae.CreateStreamDecoder();
            using (torch.NewDisposeScope())
            {
                // Priming makes the decoder continue from the reference instead of starting a fresh video; its
                // frames are discarded, like the original's first stream_decode call.
                var prime = Math.Min(DecoderPrimeLatents, (int)sink.Motion.shape[1]);
                decoder.Decode(sink.Motion.narrow(1, 0, prime));
            }
            var latents = new List<Tensor>();
            var frames = new List<Tensor>();
            try
            {
                for (var r = 0; r < _inputs.Clips; r++)
                {
                    for (var b = 0; b < _g.Blocks; b++)
                    {
                        Token.ThrowIfCancellationRequested();
                        using var work = Receive(LastStage, r, b);
                        var blockFrames = DecodeBlock(decoder, work.Latents, r, b);
                        frames.Add(blockFrames);
                        latents.Add(work.Latents.clone());
                        if (_sampler.EmitBlocks) Report(new SamplerBlock(r, b, blockFrames.clone().DetachFromDisposeScope()));
                    }
                    Report(FinishClip(r, latents, frames));
                }
            }
            finally
            {
                foreach (var t in latents.Concat(frames)) t.Dispose();
            }
        }

        // ref [3, 1, H, W] → RefLatent [16, 1, h, w] (latent 0 of a one-frame encode); the ref repeated
        // motion_frames times → Motion [16, ⌈motion/4⌉, h, w].
        // With a SinkCache, a run with the picture of the previous one reuses its encodes.
        private SinkLatents EncodeSink()
        {
            var vae = _sampler._vae;
            var cache = _inputs.SinkCache;
            var key = cache is null ? null : SinkLatentCache.KeyOf(_inputs.RefPixels, _inputs.MotionFrames, vae.Device, vae.DType);
            if (key is not null && cache!.TryGet(key, out var cachedRef, out var cachedMotion)) return new SinkLatents(cachedRef, cachedMotion);
            using var scope = torch.NewDisposeScope();
            var refPixels = _inputs.RefPixels.to(vae.DType, vae.Device);
            var refLatent = vae.Encode(refPixels);
            var motion = vae.Encode(refPixels.repeat(1, _inputs.MotionFrames, 1, 1));
            if (key is not null) cache!.Store(key, refLatent, motion);
            return new SinkLatents(refLatent.DetachFromDisposeScope(), motion.DetachFromDisposeScope());
        }

        // block [16, 3, h, w] → its 12 frames [3, 12, H, W] (9 for the very first block), float32.
        private Tensor DecodeBlock(Models.Vae.VaeStreamDecoder decoder, Tensor block, int r, int b)
        {
            using var scope = torch.NewDisposeScope();
            var video = decoder.Decode(block);
            var keep = (int)Math.Min(video.shape[1], _g.BlockVideoFrames);
            if (r == 0 && b == 0) keep -= ClipGeometry.DroppedFirstFrames;
            return video.narrow(1, video.shape[1] - keep, keep).contiguous().DetachFromDisposeScope();
        }

        // Hands the clip's blocks over as one SamplerClip; the lists are emptied.
        private static SamplerClip FinishClip(int r, List<Tensor> latents, List<Tensor> frames)
        {
            using var scope = torch.NewDisposeScope();
            var clipLatents = torch.cat(latents, 1).DetachFromDisposeScope();                   // [16, F, h, w]
            var video = torch.cat(frames, 1).DetachFromDisposeScope();                          // [3, T, H, W]
            foreach (var t in latents.Concat(frames)) t.Dispose();
            latents.Clear();
            frames.Clear();
            return new SamplerClip(r, clipLatents, video);
        }
    }
}
