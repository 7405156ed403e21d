using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Vae;

[Collection(TorchCollection.Name)]
public sealed class VaeStructureTests
{
    [Fact]
    public void The_full_size_vae_on_meta_has_exactly_the_released_keys_shapes_and_dtypes()
    {
        var expected = File.ReadAllLines(Path.Combine(VaeGolden.Root, "keys_14b", "vae_keys.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Order(StringComparer.Ordinal).ToList();
        using var model = new WanVae(VaeConfig.Wan21);
        model.Materialize(torch.META, ScalarType.Float32);

        var actual = model.NamedParameters()
            .Select(p => $"{p.Key}\t[{string.Join(", ", p.P.T.shape)}]\t{(p.P.T.dtype == ScalarType.Float32 ? "fp32" : p.P.T.dtype.ToString())}")
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, actual);
        Assert.Equal(126_892_531, model.ParameterCount());
    }

    [Fact]
    public void The_tiny_config_builds_the_fixture_weight_list()
    {
        using var folder = new LiveAvatar.Tools.Parity.GoldenFolder(VaeGolden.VaeDir);
        var weights = folder.TensorNames.Where(n => !n.Contains('/')).Order(StringComparer.Ordinal);
        using var model = new WanVae(VaeConfig.FromJson(folder.Config));

        Assert.Equal(weights, model.NamedParameters().Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
