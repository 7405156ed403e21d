using System.Text.Json;
using LiveAvatar.Engine.Models.Dit;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Dit;

[Collection(TorchCollection.Name)]
public sealed class DitStructureTests
{
    [Fact]
    public void Full_14B_model_on_meta_has_exactly_the_released_keys_and_shapes()
    {
        var folder = GoldenPaths.Folder("keys_14b");
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "manifest.json")));
        var dit = manifest.RootElement.GetProperty("models").GetProperty("dit");
        var config = DitConfig.FromJson(dit.GetProperty("ctor_kwargs"));
        Assert.Equal(DitConfig.Wan14B with { AudioInjectLayers = config.AudioInjectLayers, PatchSize = config.PatchSize, ZipFrameBuckets = config.ZipFrameBuckets }, config);

        var expected = File.ReadLines(Path.Combine(folder, "dit_keys.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1]);
        using var model = new CausalWanModelS2V(config);
        model.Materialize(torch.META, ScalarType.BFloat16);
        var ours = model.NamedParameters().ToDictionary(p => p.Key, p => "[" + string.Join(", ", p.P.T.shape) + "]");

        Assert.Empty(expected.Keys.Except(ours.Keys));
        Assert.Empty(ours.Keys.Except(expected.Keys));
        foreach (var (k, shape) in expected) Assert.True(shape == ours[k], $"{k}: expected {shape}, got {ours[k]}");
        Assert.Equal(dit.GetProperty("tensors").GetInt32(), ours.Count);
        Assert.Equal(dit.GetProperty("params").GetInt64(), model.ParameterCount());
    }

    [Fact]
    public void Sink_cache_rows_follow_the_resolution_formula()
    {
        // 704×384 → latent 48×88 (spec §5.6): 1056 + 1056 + 264 + 264
        Assert.Equal(2640, DitConfig.Wan14B.CondLength(48, 88));
        Assert.Equal(80, (DitConfig.Wan14B with { Dim = 64, NumHeads = 2 }).CondLength(8, 16));
    }

    [Fact]
    public void Rolling_rope_reference_frame_is_max_of_30_and_F0_plus_offset()
    {
        Assert.Equal(30, CausalWanModelS2V.RefFrameFor(0, 17));
        Assert.Equal(33, CausalWanModelS2V.RefFrameFor(3, 30));
        Assert.Equal(31, CausalWanModelS2V.RefFrameFor(3, 28));
        Assert.Equal(30, CausalWanModelS2V.RefFrameFor(3, 4));
        Assert.Equal(44, CausalWanModelS2V.RefFrameFor(40, 4));
    }
}
