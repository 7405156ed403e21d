using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>AudioInjector_WAN with adain_mode "attn_norm": per inject layer an AdaLayerNorm driven by the global
/// audio token and a cross-attention to that latent frame's local audio tokens; the residual is added ungated.</summary>
public sealed class AudioInjector : Module
{
    private readonly Dictionary<int, int> _byBlock = [];
    public ModuleList<WanCrossAttention> Injector { get; }
    public ModuleList<AdaLayerNorm> InjectorAdainLayers { get; }

    public AudioInjector(DitConfig c)
    {
        for (var i = 0; i < c.AudioInjectLayers.Count; i++) _byBlock[c.AudioInjectLayers[i]] = i;
        Injector = Child("injector", new ModuleList<WanCrossAttention>(
            c.AudioInjectLayers.Select(_ => new WanCrossAttention(c.Dim, c.NumHeads, c.Eps))));
        InjectorAdainLayers = Child("injector_adain_layers", new ModuleList<AdaLayerNorm>(
            c.AudioInjectLayers.Select(_ => new AdaLayerNorm(c.Dim))));
    }

    public bool Injects(int block) => _byBlock.ContainsKey(block);

    /// <summary>Adds the audio residual to the noisy tokens after block <paramref name="block"/>. With several
    /// speakers (audio batch A) each speaker's residual is computed on the same batch-1 tokens, multiplied by that
    /// speaker's mask (cropped to the block's frames, as the original does on every call) and summed.</summary>
    // x [1, F·Hp·Wp, C], audioGlobal [A, F, 1, C], audioLocal [A, F, n, C], speakerMask [A, T ≥ F, Hp, Wp, 1] → [1, F·Hp·Wp, C]
    public Tensor Forward(int block, Tensor x, Tensor audioGlobal, Tensor audioLocal, Tensor? speakerMask = null)
    {
        if (!_byBlock.TryGetValue(block, out var id)) return x;
        using var scope = torch.NewDisposeScope();
        long a = audioLocal.shape[0], l = x.shape[1], c = x.shape[2], f = audioLocal.shape[1];
        if (a > 1 && x.shape[0] != 1)
            throw new ArgumentException($"the noisy tokens have batch {x.shape[0]}; with {a} speakers they must have batch 1");
        if (a > 1 && speakerMask is null)
            throw new ArgumentException($"the audio holds {a} speakers but no speaker mask was given: each speaker needs a mask saying where that person is in the picture");
        var perFrame = x.expand(a, l, c).reshape(a * f, l / f, c);
        var h = InjectorAdainLayers[id].Forward(perFrame, audioGlobal.reshape(a * f, c).to(x.dtype));
        Report($"injector_adain_layers.{id}.out", h);
        var r = Injector[id].Forward(h, audioLocal.reshape(a * f, audioLocal.shape[2], c).to(x.dtype));
        Report($"injector.{id}.out", r);
        if (speakerMask is null) return (x + r.reshape(a, l, c)).MoveToOuterDisposeScope();
        return (x + Route(r, speakerMask, a, f, l, c)).MoveToOuterDisposeScope();
    }

    // residuals [A·F, Hp·Wp, C] × mask [A, T, Hp, Wp, 1] cropped to F frames, summed over speakers → [1, F·Hp·Wp, C]
    private static Tensor Route(Tensor residuals, Tensor speakerMask, long a, long f, long l, long c)
    {
        if (speakerMask.dim() != 5 || speakerMask.shape[0] != a || speakerMask.shape[1] < f || speakerMask.shape[4] != 1
            || speakerMask.shape[2] * speakerMask.shape[3] * f != l)
            throw new ArgumentException($"the speaker mask has shape [{string.Join(", ", speakerMask.shape)}]; this call needs [{a}, ≥{f}, Hp, Wp, 1] with F·Hp·Wp = {l}");
        long hp = speakerMask.shape[2], wp = speakerMask.shape[3];
        var mask = speakerMask.narrow(1, 0, f).to(residuals.dtype, residuals.device);
        return (residuals.reshape(a, f, hp, wp, c) * mask).sum(0, keepdim: true).reshape(1, l, c);
    }
}
