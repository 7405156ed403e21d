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

    /// <summary>Adds the audio residual to the noisy tokens after block <paramref name="block"/>.</summary>
    // x [B, F·fsl, C], audioGlobal [B, F, 1, C], audioLocal [B, F, n, C] → [B, F·fsl, C]
    public Tensor Forward(int block, Tensor x, Tensor audioGlobal, Tensor audioLocal)
    {
        if (!_byBlock.TryGetValue(block, out var id)) return x;
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], l = x.shape[1], c = x.shape[2], f = audioLocal.shape[1];
        var perFrame = x.reshape(b * f, l / f, c);
        var h = InjectorAdainLayers[id].Forward(perFrame, audioGlobal.reshape(b * f, c).to(x.dtype));
        Report($"injector_adain_layers.{id}.out", h);
        var r = Injector[id].Forward(h, audioLocal.reshape(b * f, audioLocal.shape[2], c).to(x.dtype));
        Report($"injector.{id}.out", r);
        return (x + r.reshape(b, l, c)).MoveToOuterDisposeScope();
    }
}
