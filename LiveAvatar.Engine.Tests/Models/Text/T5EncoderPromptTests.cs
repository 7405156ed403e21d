using LiveAvatar.Engine.Models.Text;
using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Text;

[Collection(TorchCollection.Name)]
public sealed class T5EncoderPromptTests
{
    private static T5Encoder RandomEncoder(long vocab, DType dtype)
    {
        var model = new T5Encoder(new T5Config(vocab, 32, 32, 48, 4, 2, 32));
        ulong seed = 1;
        foreach (var (key, p) in model.NamedParameters())
        {
            using var scope = DisposeScope.Enter();
            var init = key.Contains("norm", StringComparison.Ordinal) ? Tensor.Ones(p.Shape) : Tensor.RandN(p.Shape, seed++) * 0.2;
            p.Set(init.To(dtype).MoveToOuterScope());
        }
        return model;
    }

    [Fact]
    public void Prompts_encode_to_one_context_per_prompt_trimmed_to_its_token_count()
    {
        var tokenizer = new WanTextTokenizer(UnigramTokenizer.FromFolder(T5TestData.Fixture("tokenizer")), sequenceLength: 24);
        using var model = RandomEncoder(1024, DType.Float32); // the fixture tokenizer has 640 pieces
        string[] prompts = ["A woman is talking.", "Ein Mann singt fröhlich ein Lied, während die Sonne untergeht."];
        var before = Tensor.LiveCount;

        var contexts = model.EncodePrompts(tokenizer, prompts);

        for (var i = 0; i < prompts.Length; i++)
        {
            using var scope = DisposeScope.Enter();
            var t = tokenizer.Encode(prompts[i]);
            var full = model.Forward(Tensor.FromArray(t.Ids.Select(v => (long)v).ToArray(), [1, t.Ids.Length]),
                Tensor.FromArray(t.AttentionMask.Select(v => (long)v).ToArray(), [1, t.Ids.Length]));
            Assert.Equal([(long)t.Length, 32], contexts[i].Shape);
            Assert.True(contexts[i].MaxAbsDiff(full.Select(0, 0).Narrow(0, 0, t.Length)) < 1e-5);
        }
        foreach (var c in contexts) c.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void A_bfloat16_encoder_stays_close_to_its_float32_twin()
    {
        using var f32 = RandomEncoder(64, DType.Float32);
        using var bf16 = RandomEncoder(64, DType.BFloat16);
        using var scope = DisposeScope.Enter();
        var ids = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => (long)(i * 7 % 64)).ToArray(), [1, 20]);
        var mask = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => i < 15 ? 1L : 0L).ToArray(), [1, 20]);

        var a = f32.Forward(ids, mask);
        var b = bf16.Forward(ids, mask);

        Assert.Equal(DType.BFloat16, b.DType);
        var err = a.MaxAbsDiff(b.To(DType.Float32));
        Assert.True(err < 0.1 * (1 + a.Abs().Amax().Item()), $"bf16 differs by {err}");
    }
}
