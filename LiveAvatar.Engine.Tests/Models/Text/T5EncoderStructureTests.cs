using System.Text.Json;
using LiveAvatar.Engine.Models.Text;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Text;

[Collection(TorchCollection.Name)]
public sealed class T5EncoderStructureTests
{
    [Fact]
    public void The_full_size_encoder_has_exactly_the_keys_and_shapes_of_the_released_umt5_xxl()
    {
        var approved = T5TestData.KeyList("t5_keys.txt");
        using var model = new T5Encoder(T5Config.Xxl);
        model.Materialize(torch.META, ScalarType.BFloat16);

        var ours = model.NamedParameters().ToDictionary(p => p.Key, p => p.P.Value!.shape);

        Assert.Equal(approved.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in approved) Assert.True(shape.SequenceEqual(ours[key]), $"{key}: [{string.Join(", ", ours[key])}] vs [{string.Join(", ", shape)}]");
        Assert.Equal(5_680_910_336L, model.ParameterCount());
    }

    [Fact]
    public void The_config_reads_the_manifest_and_its_real_model_copy_equals_the_xxl_preset()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(T5TestData.Fixture("t5"), "manifest.json")));
        var config = doc.RootElement.GetProperty("config");

        var tiny = T5Config.FromJson(config);
        var real = T5Config.FromJson(config.GetProperty("real_umt5_xxl"));

        Assert.Equal(new T5Config(512, 64, 64, 128, 4, 2, 32), tiny);
        Assert.Equal(T5Config.Xxl, real);
        Assert.Equal(64, real.HeadDim);
    }

    [Fact]
    public void The_config_reads_a_plain_dictionary_and_defaults_dim_attn_to_dim()
    {
        var config = T5Config.FromDictionary(new Dictionary<string, object>
        {
            ["vocab"] = 100, ["dim"] = 32, ["dim_ffn"] = 64, ["num_heads"] = 4, ["num_layers"] = 1, ["num_buckets"] = 32,
        });

        Assert.Equal(new T5Config(100, 32, 32, 64, 4, 1, 32), config);
    }

    [Fact]
    public void A_shared_position_table_moves_to_the_encoder_and_leaves_the_blocks_without_one()
    {
        using var model = new T5Encoder(new T5Config(10, 8, 8, 16, 2, 2, 32, SharedPos: true));

        var keys = model.NamedParameters().Select(p => p.Key).ToList();

        Assert.Contains("pos_embedding.embedding.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("blocks.", StringComparison.Ordinal) && k.Contains("pos_embedding"));
    }
}
