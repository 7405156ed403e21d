using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Parity;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.Models.Dit;

using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

/// <summary>The sampler_e2e fixture's tiny DiT and VAE with its reference image and context, loaded once. Tests
/// use a short geometry (12 frames per clip, 1 motion frame) so a clip costs well under a second on the CPU.</summary>
public sealed class TinySamplerModels : IDisposable
{
    private readonly GoldenFolder _folder;

    public TinySamplerModels()
    {
        Torch.EnsureLoaded();
        Torch.DisableGrad();
        _folder = new GoldenFolder(GoldenPaths.Folder("sampler_e2e"));
        using var scope = DisposeScope.Enter();
        Dit = SamplerE2eParityRunner.LoadDit(_folder, Device.Cpu);
        Vae = SamplerE2eParityRunner.LoadVae(_folder, Device.Cpu);
        Context = _folder.Load("input/context").DetachFromScope();
        var image = _folder.Load("input/ref_image_uint8");
        RefPixels = (image.To(DType.Float32) / 255.0 * 2 - 1).Permute(2, 0, 1).Unsqueeze(1).Contiguous().DetachFromScope();
    }

    public CausalWanModelS2V Dit { get; }
    public Wan21Vae Vae { get; }
    public Tensor Context { get; }
    public Tensor RefPixels { get; }

    public SingleDeviceSampler Sampler(bool offloadKvCache = false) => new(Dit, Vae, Device.Cpu, DType.Float32, offloadKvCache);

    /// <summary>Inputs for <paramref name="clips"/> short clips; the caller disposes the audio embedding.</summary>
    public SamplerInputs Inputs(int clips, bool online, Tensor audio) =>
        new(RefPixels, Context, audio, clips, InferFrames: 12, Steps: 2, OnlineDecode: online, Norm3Bf16: false, MotionFrames: 1);

    public Tensor Audio(int clips, ulong seed = 5) =>
        Tensor.RandN([1, Dit.Config.NumAudioLayers, Dit.Config.AudioDim, clips * 12], seed).DetachFromScope();

    public void Dispose()
    {
        Dit.Dispose();
        Vae.Dispose();
        Context.Dispose();
        RefPixels.Dispose();
        _folder.Dispose();
    }
}
