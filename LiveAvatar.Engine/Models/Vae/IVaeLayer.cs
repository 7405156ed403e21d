using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>A member of Encoder3d/Decoder3d's downsamples, middle or upsamples: takes the shared feature cache
/// (null runs uncached, as a whole clip at once).</summary>
public interface IVaeLayer
{
    Tensor Forward(Tensor x, FeatureCache? cache);
}
