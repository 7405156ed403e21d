using System.Text.Json;
using LiveAvatar.Engine.Models.Audio;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Models.Text;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Audio;

[Collection(TorchCollection.Name)]
public sealed class Wav2Vec2StructureTests
{
    [Fact]
    public void The_full_size_model_plus_the_ignored_keys_is_exactly_the_released_xlsr53_checkpoint()
    {
        var approved = T5TestData.KeyList("wav2vec2_keys.txt");
        using var model = new Wav2Vec2Model(Wav2Vec2Config.LargeXlsr53);
        model.Materialize(torch.META, ScalarType.Float32);

        var ours = model.NamedParameters().ToDictionary(p => "wav2vec2." + p.Key, p => p.P.Value!.shape);
        var ignored = approved.Keys.Where(Wav2Vec2Model.IsIgnoredKey).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["lm_head.bias", "lm_head.weight", "wav2vec2.masked_spec_embed"], ignored);
        Assert.Equal(approved.Keys.Except(ignored).Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in ours) Assert.True(shape.SequenceEqual(approved[key]), $"{key}: [{string.Join(", ", shape)}] vs [{string.Join(", ", approved[key])}]");
        Assert.Equal([Wav2Vec2Config.LargeXlsr53.HiddenSize], approved["wav2vec2.masked_spec_embed"]);
    }

    [Fact]
    public void The_manifest_config_reads_as_the_tiny_xlsr_architecture_and_the_differences_give_the_preset()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(T5TestData.Fixture("wav2vec2"), "manifest.json")));
        var tiny = Wav2Vec2Config.FromJson(doc.RootElement.GetProperty("config").GetProperty("tiny"));
        var diff = doc.RootElement.GetProperty("config").GetProperty("real_xlsr53_large_differences");

        var real = tiny with
        {
            HiddenSize = diff.GetProperty("hidden_size").GetInt64(),
            NumHiddenLayers = diff.GetProperty("num_hidden_layers").GetInt64(),
            NumAttentionHeads = diff.GetProperty("num_attention_heads").GetInt64(),
            IntermediateSize = diff.GetProperty("intermediate_size").GetInt64(),
            ConvDim = [.. diff.GetProperty("conv_dim").EnumerateArray().Select(e => e.GetInt64())],
        };

        Assert.Equal((32L, 4L, 2L, 64L, 128L, 16L), (tiny.HiddenSize, tiny.NumHiddenLayers, tiny.NumAttentionHeads,
            tiny.IntermediateSize, tiny.NumConvPosEmbeddings, tiny.NumConvPosEmbeddingGroups));
        Assert.Equal(320, tiny.TotalStride);
        Assert.Equal(49, tiny.FramesFor(16000));
        var preset = Wav2Vec2Config.LargeXlsr53;
        Assert.Equal((preset.HiddenSize, preset.NumHiddenLayers, preset.NumAttentionHeads, preset.IntermediateSize),
            (real.HiddenSize, real.NumHiddenLayers, real.NumAttentionHeads, real.IntermediateSize));
        Assert.Equal(preset.ConvDim, real.ConvDim);
        Assert.Equal(preset.ConvKernel, real.ConvKernel);
        Assert.Equal(preset.ConvStride, real.ConvStride);
        Assert.Equal(preset.LayerNormEps, real.LayerNormEps);
    }

    [Fact]
    public void A_group_norm_feature_extractor_is_rejected_by_name()
    {
        using var doc = JsonDocument.Parse("""{"feat_extract_norm": "group", "do_stable_layer_norm": false}""");

        var e = Assert.Throws<NotSupportedException>(() => Wav2Vec2Config.FromJson(doc.RootElement));

        Assert.Contains("group", e.Message);
    }
}
