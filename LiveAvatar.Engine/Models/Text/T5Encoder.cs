using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>The umT5 encoder (T5Encoder in t5.py): token embedding, blocks, final RMSNorm. Dropout is inert (eval).</summary>
public sealed class T5Encoder : Module
{
    public T5Config Config { get; }
    public Embedding TokenEmbedding { get; }
    public T5RelativeEmbedding? PosEmbedding { get; }
    public ModuleList<T5SelfAttention> Blocks { get; }
    public T5LayerNorm Norm { get; }

    public T5Encoder(T5Config config)
    {
        Config = config;
        TokenEmbedding = Child("token_embedding", new Embedding(config.Vocab, config.Dim));
        if (config.SharedPos)
            PosEmbedding = Child("pos_embedding", new T5RelativeEmbedding(config.NumBuckets, config.NumHeads, true, config.MaxDist));
        Blocks = Child("blocks", new ModuleList<T5SelfAttention>(
            Enumerable.Range(0, (int)config.NumLayers).Select(_ => new T5SelfAttention(config))));
        Norm = Child("norm", new T5LayerNorm(config.Dim, config.Eps));
    }

    /// <summary>Builds the encoder and loads a T5Encoder state dict (e.g. models_t5_umt5-xxl-enc-bf16.pth).</summary>
    public static T5Encoder Load(string checkpoint, T5Config config, Device device, ScalarType? dtype = null)
    {
        using var reader = CheckpointReader.Open(checkpoint);
        return LoadOrDispose(new T5Encoder(config), m => m.Load(reader, device, dtype));
    }

    /// <param name="ids">[B, L] int64 token ids</param>
    /// <param name="mask">[B, L] attention mask (1 = token incl. EOS, 0 = pad) or null</param>
    /// <returns>[B, L, C], pad rows included</returns>
    public Tensor Forward(Tensor ids, Tensor? mask)
    {
        // ids [B, L] → x [B, L, C]
        using var scope = torch.NewDisposeScope();
        var x = TokenEmbedding.Forward(ids);
        var l = x.shape[1];
        var shared = PosEmbedding?.Forward(l, l);
        foreach (var block in Blocks.Items) x = block.Forward(x, mask, shared);
        return scope.MoveToOuter(Norm.Forward(x));
    }
}
