using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>conv1 (z → widest) → middle (res, attn, res) → upsamples (res blocks ×(n+1), Resample per level; each
/// Resample halves the width, so the next level's first block takes C/2) → head (RMS_norm, SiLU, conv to RGB).</summary>
public sealed class Decoder3d : Module
{
    public CausalConv3d Conv1 { get; }
    public ModuleList<Module> Middle { get; }
    public ModuleList<Module> Upsamples { get; }
    public VaeSequential Head { get; }

    public Decoder3d(VaeConfig cfg)
    {
        var mult = cfg.DimMult;
        var dims = new[] { mult[^1] }.Concat(mult.Reverse()).Select(u => (long)cfg.Dim * u).ToArray();
        var scale = 1.0 / Math.Pow(2, mult.Count - 2);
        var up = cfg.TemperalUpsample;
        Conv1 = Child("conv1", new CausalConv3d(cfg.ZDim, dims[0], 3, padding: 1));
        Middle = Child("middle", new ModuleList<Module>([new ResidualBlock(dims[0], dims[0]), new AttentionBlock(dims[0]), new ResidualBlock(dims[0], dims[0])]));
        var ups = new List<Module>();
        var outDim = dims[0];
        for (var i = 0; i < dims.Length - 1; i++)
        {
            var inDim = dims[i];
            outDim = dims[i + 1];
            // The original hard-codes levels 1–3 as following a width-halving Resample.
            if (i is 1 or 2 or 3) inDim /= 2;
            for (var r = 0; r < cfg.NumResBlocks + 1; r++)
            {
                ups.Add(new ResidualBlock(inDim, outDim));
                if (cfg.AttnScales.Contains(scale)) ups.Add(new AttentionBlock(outDim));
                inDim = outDim;
            }
            if (i != mult.Count - 1)
            {
                ups.Add(new Resample(outDim, up[i] ? ResampleMode.Upsample3d : ResampleMode.Upsample2d));
                scale *= 2.0;
            }
        }
        Upsamples = Child("upsamples", new ModuleList<Module>(ups));
        Head = Child("head", new VaeSequential()
            .Add(0, new RmsNorm(outDim, images: false))
            .Add(2, new CausalConv3d(outDim, 3, 3, padding: 1)));
    }

    /// <summary>Where the decoder's activations run channels-last (LIVEAVATAR_VAE_CHANNELS_LAST=0 switches it off):
    /// on the fused CUDA path, where cuDNN would otherwise convert the layout around each of its 3-D convolutions (18.9
    /// ms of a 102 ms block decode on an H200). <see cref="VaeChannelsLast.Always"/> also on the CPU (tests).</summary>
    public static VaeChannelsLast ChannelsLastMode { get; set; } =
        Environment.GetEnvironmentVariable("LIVEAVATAR_VAE_CHANNELS_LAST") == "0" ? VaeChannelsLast.Off : VaeChannelsLast.FusedGpu;

    /// <summary>x [B, C, F, H, W] (after conv2; one latent per call when cached) → [B, 3, T, 8H, 8W].</summary>
    public Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        x = cache is null ? Conv1.Forward(x) : Conv1.Forward(x, cache);
        var channelsLast = ChannelsLastMode switch
        {
            VaeChannelsLast.Always => true,
            VaeChannelsLast.FusedGpu => cache is not null && FusedKernels.AppliesToChannelNorm(x),
            _ => false,
        };
        // Same values in either layout; a layer whose ops return the usual one (a 1×1 convolution run as a GEMM, a sum
        // of mixed layouts) gets its output converted once, rather than every later convolution converting twice.
        // The frames leave in the usual layout.
        Tensor Keep(Tensor y) => channelsLast && !ChannelsLast.Is(y) ? ChannelsLast.From(y) : y;
        x = Keep(x);
        foreach (var layer in Middle.Items) x = Keep(((IVaeLayer)layer).Forward(x, cache));
        foreach (var layer in Upsamples.Items) x = Keep(((IVaeLayer)layer).Forward(x, cache));
        var (norm, conv) = (Head.At<RmsNorm>(0), Head.At<CausalConv3d>(2));
        if (cache is not null && FusedKernels.AppliesToChannelNorm(x))
            x = conv.ForwardNormed(norm, x, cache);
        else
        {
            x = norm.Forward(x, silu: true);
            x = cache is null ? conv.Forward(x) : conv.Forward(x, cache);
        }
        return (channelsLast ? x.contiguous() : x).MoveToOuterDisposeScope();
    }
}

/// <summary>Where <see cref="Decoder3d"/> runs channels-last.</summary>
public enum VaeChannelsLast
{
    Off,
    /// <summary>Where the fused kernels run (bf16 on CUDA): the default.</summary>
    FusedGpu,
    /// <summary>Everywhere (tests of the layout on the CPU).</summary>
    Always,
}
