using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>The two VAE operations the sampler uses (a seam so parity runs can reuse identical encodes/decodes).</summary>
internal interface IClipVae
{
    Device Device { get; }
    ScalarType DType { get; }

    /// <summary>video [3, T, H, W] → latents [16, 1+(T−1)/4, h, w] float32.</summary>
    Tensor Encode(Tensor video);

    /// <summary>latents [16, F, h, w] → video [3, 1+4(F−1), H, W] float32 in [−1, 1].</summary>
    Tensor Decode(Tensor latents);
}

internal sealed class Wan21ClipVae(Wan21Vae vae) : IClipVae
{
    public Device Device => vae.Device;
    public ScalarType DType => vae.DType;
    public Tensor Encode(Tensor video) => vae.Encode(video);
    public Tensor Decode(Tensor latents) => vae.Decode(latents);
}
