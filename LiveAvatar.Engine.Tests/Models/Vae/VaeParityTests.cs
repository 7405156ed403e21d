using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Vae;

[Collection(TorchCollection.Name)]
public sealed class VaeParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_vae_runner_matches_every_golden_output_within_the_manifest_tolerance()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        var before = VaeGolden.SettledLiveCount();

        var checks = new VaeParityRunner().Run(folder, torch.CPU).ToList();

        foreach (var c in checks) output.WriteLine(c.ToString());
        Assert.Contains(checks, c => c.Name == "encode/latents");
        Assert.Contains(checks, c => c.Name == "decode/from_random");
        Assert.Contains(checks, c => c.Name == "stream/decode_call2");
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void The_vae_runner_is_registered_for_the_vae_fixture()
    {
        ParityRunners.RegisterAll();

        Assert.IsType<VaeParityRunner>(ParityRegistry.Find("vae"));
    }
}
