using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>What T5EncoderModel.__call__ adds around the encoder: each sequence trimmed to its real length
/// (mask sum, EOS included), and the DiT's zero-padding of those contexts back to text_len rows.</summary>
public static class T5EncoderModel
{
    /// <summary>Runs the encoder and returns one [len_b, C] context per sequence.</summary>
    public static Tensor[] EncodeTrimmed(this T5Encoder encoder, Tensor ids, Tensor mask)
    {
        // ids, mask [B, L] → B × [len_b, C]
        using var scope = torch.NewDisposeScope();
        var x = encoder.Forward(ids, mask);
        var lengths = HostArrays.Read<long>(mask.gt(0).to(ScalarType.Int64).sum(1).to(torch.CPU));
        var result = new Tensor[lengths.Length];
        for (var b = 0; b < lengths.Length; b++) result[b] = scope.MoveToOuter(x.select(0, b).narrow(0, 0, lengths[b]).contiguous());
        return result;
    }

    /// <summary>Tokenizes (Wan cleaning, padding to the tokenizer's length, EOS) and encodes prompts: one [len_b, C]
    /// context per prompt, on the encoder's device.</summary>
    public static Tensor[] EncodePrompts(this T5Encoder encoder, WanTextTokenizer tokenizer, IReadOnlyList<string> prompts)
    {
        using var scope = torch.NewDisposeScope();
        var tokens = prompts.Select(tokenizer.Encode).ToList();
        var device = encoder.TokenEmbedding.Weight.T.device;
        long[] Flat(Func<TokenizedText, int[]> f) => tokens.SelectMany(t => f(t).Select(v => (long)v)).ToArray();
        var shape = new long[] { tokens.Count, tokenizer.SequenceLength };
        var ids = torch.tensor(Flat(t => t.Ids), shape).to(device);
        var mask = torch.tensor(Flat(t => t.AttentionMask), shape).to(device);
        var contexts = encoder.EncodeTrimmed(ids, mask);
        foreach (var c in contexts) scope.MoveToOuter(c);
        return contexts;
    }

    /// <summary>Zero-pads a trimmed context [len, C] to [textLen, C] (the DiT does this before text_embedding).</summary>
    public static Tensor PadToTextLength(Tensor context, long textLen)
    {
        // context [len, C] → [textLen, C]
        var len = context.shape[0];
        if (len > textLen) throw new ArgumentException($"context has {len} rows, more than text_len {textLen}");
        return F.pad(context, [0, 0, 0, textLen - len]);
    }

    /// <summary>Pads every context and stacks them: B × [len_b, C] → [B, textLen, C].</summary>
    public static Tensor PadToTextLength(IReadOnlyList<Tensor> contexts, long textLen)
    {
        using var scope = torch.NewDisposeScope();
        var padded = contexts.Select(c => PadToTextLength(c, textLen)).ToList();
        return scope.MoveToOuter(torch.stack(padded, 0));
    }
}
