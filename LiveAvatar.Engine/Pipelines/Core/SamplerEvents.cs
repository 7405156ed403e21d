using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>Progress of <see cref="SingleDeviceSampler.Run"/>.</summary>
public abstract record SamplerEvent;

/// <summary>One DiT call finished (block <paramref name="Block"/> of clip <paramref name="Clip"/> at denoising step <paramref name="Step"/>).</summary>
public sealed record SamplerStep(int Clip, int Block, int Step) : SamplerEvent;

/// <summary>
/// A clip is done: its clean latents [16, F, h, w] and the frames it adds to the video, [3, T, H, W] float in
/// [−1, 1] (T = InferFrames − 3 for the first clip, InferFrames after). The receiver owns both tensors.
/// </summary>
public sealed record SamplerClip(int Clip, Tensor Latents, Tensor Video) : SamplerEvent;

/// <summary>
/// A clean 12-frame block is decoded (9 frames for the very first block of a run): its frames [3, T, H, W] float in
/// [−1, 1], handed out as soon as the VAE has them so a consumer can show video before the clip is done. Only
/// samplers asked for blocks emit it (<see cref="PipelineSampler.EmitBlocks"/>); the receiver owns the tensor.
/// </summary>
public sealed record SamplerBlock(int Clip, int Block, Tensor Video) : SamplerEvent;

/// <summary>Named intermediates for parity checks (e.g. "c0b1s2/velocity", "prefill0/ref_latents",
/// "vae/ref_encode_out"). The tensor is only valid during the call; copy what you keep.</summary>
public delegate void SamplerProbe(string name, Tensor value);

public static class SamplerEventTensors
{
    /// <summary>Frees the tensors an event hands over (a block's or a clip's video and latents), for receivers that
    /// only count or time the events.</summary>
    public static void DisposeTensors(this SamplerEvent e)
    {
        switch (e)
        {
            case SamplerBlock b:
                b.Video.Dispose();
                break;
            case SamplerClip c:
                c.Video.Dispose();
                c.Latents.Dispose();
                break;
        }
    }
}
