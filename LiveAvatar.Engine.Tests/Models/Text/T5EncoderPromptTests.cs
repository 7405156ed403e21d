using LiveAvatar.Engine.Models.Text;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Text;

[Collection(TorchCollection.Name)]
public sealed class T5EncoderPromptTests
{
    private static T5Encoder RandomEncoder(long vocab, ScalarType dtype)
    {
        var model = new T5Encoder(new T5Config(vocab, 32, 32, 48, 4, 2, 32));
        ulong seed = 1;
        foreach (var (key, p) in model.NamedParameters())
        {
            using var scope = torch.NewDisposeScope();
            var init = key.Contains("norm", StringComparison.Ordinal) ? torch.ones(p.Shape) : Noise.Randn(p.Shape, seed++) * 0.2;
            p.Set(init.to(dtype).MoveToOuterDisposeScope());
        }
        return model;
    }

    [Fact]
    public void Prompts_encode_to_one_context_per_prompt_trimmed_to_its_token_count()
    {
        var tokenizer = new WanTextTokenizer(UnigramTokenizer.FromFolder(T5TestData.Fixture("tokenizer")), sequenceLength: 24);
        using var model = RandomEncoder(1024, ScalarType.Float32); // the fixture tokenizer has 640 pieces
        string[] prompts = ["A woman is talking.", "Ein Mann singt fröhlich ein Lied, während die Sonne untergeht."];
        var before = LiveTensors.Settled();

        var contexts = model.EncodePrompts(tokenizer, prompts);

        for (var i = 0; i < prompts.Length; i++)
        {
            using var scope = torch.NewDisposeScope();
            var t = tokenizer.Encode(prompts[i]);
            var full = model.Forward(torch.tensor(t.Ids.Select(v => (long)v).ToArray(), [1, t.Ids.Length]),
                torch.tensor(t.AttentionMask.Select(v => (long)v).ToArray(), [1, t.Ids.Length]));
            Assert.Equal([(long)t.Length, 32], contexts[i].shape);
            Assert.True(TensorAssert.MaxAbsDiff(contexts[i], full.select(0, 0).narrow(0, 0, t.Length)) < 1e-5);
        }
        foreach (var c in contexts) c.Dispose();
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_bfloat16_encoder_stays_close_to_its_float32_twin()
    {
        using var f32 = RandomEncoder(64, ScalarType.Float32);
        using var bf16 = RandomEncoder(64, ScalarType.BFloat16);
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(Enumerable.Range(0, 20).Select(i => (long)(i * 7 % 64)).ToArray(), [1, 20]);
        var mask = torch.tensor(Enumerable.Range(0, 20).Select(i => i < 15 ? 1L : 0L).ToArray(), [1, 20]);

        var a = f32.Forward(ids, mask);
        var b = bf16.Forward(ids, mask);

        Assert.Equal(ScalarType.BFloat16, b.dtype);
        var err = TensorAssert.MaxAbsDiff(a, b.to(ScalarType.Float32));
        Assert.True(err < 0.1 * (1 + a.abs().amax().ToDouble()), $"bf16 differs by {err}");
    }
}
