using LiveAvatar.Engine.Models.Text;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Text;

[Collection(TorchCollection.Name)]
public sealed class T5RelativeEmbeddingTests
{
    /// <summary>Bucket of rel = k − q for 32 bidirectional buckets and max distance 128, from the T5 formula
    /// in exact arithmetic: 16 per direction, exact below 8, then 8 + ⌊8·log(|rel|/8)/log 16⌋ capped at 15.</summary>
    private static long Expected(long rel)
    {
        var offset = rel > 0 ? 16 : 0;
        var a = Math.Abs(rel);
        if (a < 8) return offset + a;
        var exps = new[] { 8, 12, 16, 23, 32, 46, 64, 91, 128 }; // ⌈8·2^(j/2)⌉
        var large = 8 + exps.Count(e => a >= e) - 1;
        return offset + Math.Min(large, 15);
    }

    [Fact]
    public void Buckets_follow_the_t5_formula_up_to_512_tokens_including_the_powers_of_two()
    {
        using var table = new T5RelativeEmbedding(32, 4, bidirectional: true);
        using var scope = torch.NewDisposeScope();

        var buckets = HostArrays.Read<long>(table.Buckets(1, 512, torch.CPU));
        var backwards = HostArrays.Read<long>(table.Buckets(512, 1, torch.CPU));

        for (var rel = 0; rel < 512; rel++)
        {
            Assert.True(Expected(rel) == buckets[rel], $"rel {rel}: expected bucket {Expected(rel)}, got {buckets[rel]}");
            Assert.True(Expected(-rel) == backwards[rel], $"rel {-rel}: expected bucket {Expected(-rel)}, got {backwards[rel]}");
        }
    }

    [Fact]
    public void The_bias_is_the_table_row_of_each_bucket_laid_out_heads_first()
    {
        using var table = new T5RelativeEmbedding(32, 3, bidirectional: true);
        table.Embedding.Weight.Set(torch.arange(0, 96, dtype: ScalarType.Float32).reshape(32, 3));
        using var scope = torch.NewDisposeScope();

        var bias = table.Forward(5, 7);

        Assert.Equal([1L, 3, 5, 7], bias.shape);
        var buckets = HostArrays.Read<long>(table.Buckets(5, 7, torch.CPU));
        var values = HostArrays.Read<float>(bias);
        for (var h = 0; h < 3; h++)
            for (var i = 0; i < 35; i++)
                Assert.Equal(buckets[i] * 3 + h, values[h * 35 + i]);
    }
}
