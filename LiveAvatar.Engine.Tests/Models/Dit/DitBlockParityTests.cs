using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Dit;

[Collection(TorchCollection.Name)]
public sealed class DitBlockParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Prefill_and_two_streaming_blocks_match_the_golden_fixture_in_both_norm3_variants()
    {
        var before = LiveTensors.Settled();
        List<ParityCheck> checks;
        using (var folder = new GoldenFolder(GoldenPaths.Folder("dit_block")))
            checks = new DitBlockParityRunner().Run(folder, torch.CPU).ToList();
        foreach (var c in checks) output.WriteLine(c.ToString());
        Assert.True(checks.Count > 60, $"only {checks.Count} checks ran");
        Assert.Contains(checks, c => c.Name == "fp32norm3/clean_latents");
        Assert.Contains(checks, c => c.Name == "asrun/clean_latents");
        var failed = checks.Where(c => !c.Passed).Select(c => c.ToString()).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.Equal(before, Tensor.TotalCount);
    }
}
