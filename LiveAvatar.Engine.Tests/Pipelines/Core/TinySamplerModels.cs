using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Tools.Parity;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
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
        TorchRuntime.EnsureLoaded();
        _folder = new GoldenFolder(GoldenPaths.Folder("sampler_e2e"));
        using var scope = torch.NewDisposeScope();
        Dit = SamplerE2eParityRunner.LoadDit(_folder, torch.CPU);
        Vae = SamplerE2eParityRunner.LoadVae(_folder, torch.CPU);
        Context = _folder.Load("input/context").DetachFromDisposeScope();
        var image = _folder.Load("input/ref_image_uint8");
        RefPixels = (image.to(ScalarType.Float32) / 255.0 * 2 - 1).permute(2, 0, 1).unsqueeze(1).contiguous().DetachFromDisposeScope();
    }

    public CausalWanModelS2V Dit { get; }
    public Wan21Vae Vae { get; }
    public Tensor Context { get; }
    public Tensor RefPixels { get; }

    public SingleDeviceSampler Sampler(bool offloadKvCache = false, long? kvBudget = null) =>
        new(Dit, Vae, torch.CPU, ScalarType.Float32, offloadKvCache) { KvBudgetBytes = kvBudget };

    /// <summary>Inputs for <paramref name="clips"/> short clips; the caller disposes the audio embedding.</summary>
    public SamplerInputs Inputs(int clips, bool online, Tensor audio) =>
        new(RefPixels, Context, audio, clips, InferFrames: 12, Steps: 2, OnlineDecode: online, Norm3Bf16: false, MotionFrames: 1);

    public Tensor Audio(int clips, ulong seed = 5) =>
        Noise.Randn([1, Dit.Config.NumAudioLayers, Dit.Config.AudioDim, clips * 12], seed).DetachFromDisposeScope();

    public void Dispose()
    {
        Dit.Dispose();
        Vae.Dispose();
        Context.Dispose();
        RefPixels.Dispose();
        _folder.Dispose();
    }
}
