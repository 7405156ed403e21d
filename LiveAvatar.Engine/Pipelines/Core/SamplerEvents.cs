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

/// <summary>Named intermediates for parity checks (e.g. "c0b1s2/velocity", "prefill0/ref_latents",
/// "vae/ref_encode_out"). The tensor is only valid during the call; copy what you keep.</summary>
public delegate void SamplerProbe(string name, Tensor value);
