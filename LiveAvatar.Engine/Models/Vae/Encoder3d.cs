using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>conv1 → downsamples (res blocks, optional attention, Resample per level) → middle (res, attn, res)
/// → head (RMS_norm, SiLU, conv to zOut). Spatial ÷2^(levels−1); time ÷2 per temporal downsample.</summary>
public sealed class Encoder3d : Module
{
    public CausalConv3d Conv1 { get; }
    public ModuleList<Module> Downsamples { get; }
    public ModuleList<Module> Middle { get; }
    public VaeSequential Head { get; }

    public Encoder3d(VaeConfig cfg, long zOut)
    {
        var dims = new[] { 1 }.Concat(cfg.DimMult).Select(u => (long)cfg.Dim * u).ToArray();
        var scale = 1.0;
        Conv1 = Child("conv1", new CausalConv3d(3, dims[0], 3, padding: 1));
        var downs = new List<Module>();
        for (var i = 0; i < dims.Length - 1; i++)
        {
            var (inDim, outDim) = (dims[i], dims[i + 1]);
            for (var r = 0; r < cfg.NumResBlocks; r++)
            {
                downs.Add(new ResidualBlock(inDim, outDim));
                if (cfg.AttnScales.Contains(scale)) downs.Add(new AttentionBlock(outDim));
                inDim = outDim;
            }
            if (i != cfg.DimMult.Count - 1)
            {
                downs.Add(new Resample(outDim, cfg.TemperalDownsample[i] ? ResampleMode.Downsample3d : ResampleMode.Downsample2d));
                scale /= 2.0;
            }
        }
        Downsamples = Child("downsamples", new ModuleList<Module>(downs));
        var last = dims[^1];
        Middle = Child("middle", new ModuleList<Module>([new ResidualBlock(last, last), new AttentionBlock(last), new ResidualBlock(last, last)]));
        Head = Child("head", new VaeSequential()
            .Add(0, new RmsNorm(last, images: false))
            .Add(2, new CausalConv3d(last, zOut, 3, padding: 1)));
    }

    /// <summary>x [B, 3, T, H, W] pixels → [B, zOut, T', H/8, W/8] (one chunk when a cache is given).</summary>
    public Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        x = cache is null ? Conv1.Forward(x) : Conv1.Forward(x, cache);
        foreach (var layer in Downsamples.Items) x = ((IVaeLayer)layer).Forward(x, cache);
        foreach (var layer in Middle.Items) x = ((IVaeLayer)layer).Forward(x, cache);
        x = Head.At<RmsNorm>(0).Forward(x, silu: true);
        var conv = Head.At<CausalConv3d>(2);
        x = cache is null ? conv.Forward(x) : conv.Forward(x, cache);
        return x.MoveToOuterDisposeScope();
    }
}
