using LiveAvatar.Tools.Parity;
using TorchSharp;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Dit;

[Collection(TorchCollection.Name)]
public sealed class DitCondParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Pose_condition_and_two_speaker_routing_match_the_golden_fixture_in_both_norm3_variants()
    {
        var before = torch.Tensor.TotalCount;
        List<ParityCheck> checks;
        using (var folder = new GoldenFolder(GoldenPaths.Folder("dit_cond")))
            checks = new DitCondParityRunner().Run(folder, torch.CPU).ToList();
        foreach (var c in checks) output.WriteLine(c.ToString());

        // 3 runs × 2 modes × (4 steps × velocity and x_out + clean latents), the schedule, and the refusal
        Assert.Equal(3 * 2 * 9 + 2 + 1, checks.Count);
        foreach (var run in new[] { "pose", "nopose", "two_speakers" })
        foreach (var mode in new[] { "fp32norm3", "asrun" })
            Assert.Contains(checks, c => c.Name == $"{mode}/{run}/clean_latents");
        var failed = checks.Where(c => !c.Passed).Select(c => c.ToString()).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.Equal(before, torch.Tensor.TotalCount);
    }
}
