using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Models.Text;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Audio;

[Collection(TorchCollection.Name)]
public sealed class Wav2Vec2ParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_wav2vec2_runner_passes_every_check_of_the_golden_fixture()
    {
        using var folder = new GoldenFolder(T5TestData.Fixture("wav2vec2"));
        var before = LiveTensors.Settled();

        var checks = new Wav2Vec2ParityRunner().Run(folder, torch.CPU).ToList();

        foreach (var c in checks) output.WriteLine(c.ToString());
        Assert.Equal(before, Tensor.TotalCount);
        var recorded = folder.TensorNames.Where(n => n.Contains('/') && !n.StartsWith("input/", StringComparison.Ordinal));
        foreach (var name in recorded) Assert.Contains(checks, c => c.Name == name);
        Assert.All(checks.Where(c => c.Name.EndsWith("source_index", StringComparison.Ordinal)), c => Assert.Equal(0, c.MaxAbsError));
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
    }

    [Fact]
    public void The_runner_is_registered_under_the_fixture_name()
    {
        ParityRunners.RegisterAll();

        Assert.IsType<Wav2Vec2ParityRunner>(ParityRegistry.Find("wav2vec2"));
    }
}
