using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>What T5EncoderModel.__call__ adds around the encoder: each sequence trimmed to its real length
/// (mask sum, EOS included), and the DiT's zero-padding of those contexts back to text_len rows.</summary>
public static class T5EncoderModel
{
    /// <summary>Runs the encoder and returns one [len_b, C] context per sequence.</summary>
    public static Tensor[] EncodeTrimmed(this T5Encoder encoder, Tensor ids, Tensor mask)
    {
        // ids, mask [B, L] → B × [len_b, C]
        using var scope = DisposeScope.Enter();
        var x = encoder.Forward(ids, mask);
        var lengths = mask.Gt(0).To(DType.Int64).Sum(1).To(Device.Cpu).ToArray<long>();
        var result = new Tensor[lengths.Length];
        for (var b = 0; b < lengths.Length; b++) result[b] = scope.MoveToOuter(x.Select(0, b).Narrow(0, 0, lengths[b]).Contiguous());
        return result;
    }

    /// <summary>Tokenizes (Wan cleaning, padding to the tokenizer's length, EOS) and encodes prompts: one [len_b, C]
    /// context per prompt, on the encoder's device.</summary>
    public static Tensor[] EncodePrompts(this T5Encoder encoder, WanTextTokenizer tokenizer, IReadOnlyList<string> prompts)
    {
        using var scope = DisposeScope.Enter();
        var tokens = prompts.Select(tokenizer.Encode).ToList();
        var device = encoder.TokenEmbedding.Weight.T.Device;
        long[] Flat(Func<TokenizedText, int[]> f) => tokens.SelectMany(t => f(t).Select(v => (long)v)).ToArray();
        var shape = new long[] { tokens.Count, tokenizer.SequenceLength };
        var ids = Tensor.FromArray(Flat(t => t.Ids), shape).To(device);
        var mask = Tensor.FromArray(Flat(t => t.AttentionMask), shape).To(device);
        var contexts = encoder.EncodeTrimmed(ids, mask);
        foreach (var c in contexts) scope.MoveToOuter(c);
        return contexts;
    }

    /// <summary>Zero-pads a trimmed context [len, C] to [textLen, C] (the DiT does this before text_embedding).</summary>
    public static Tensor PadToTextLength(Tensor context, long textLen)
    {
        // context [len, C] → [textLen, C]
        var len = context.Shape[0];
        if (len > textLen) throw new ArgumentException($"context has {len} rows, more than text_len {textLen}");
        return NN.Pad(context, [0, 0, 0, textLen - len]);
    }

    /// <summary>Pads every context and stacks them: B × [len_b, C] → [B, textLen, C].</summary>
    public static Tensor PadToTextLength(IReadOnlyList<Tensor> contexts, long textLen)
    {
        using var scope = DisposeScope.Enter();
        var padded = contexts.Select(c => PadToTextLength(c, textLen)).ToList();
        return scope.MoveToOuter(Tensor.Stack(padded, 0));
    }
}
