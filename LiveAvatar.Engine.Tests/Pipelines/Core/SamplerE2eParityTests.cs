using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Models.Dit;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

/// <summary>Runs only when LIVEAVATAR_FULL_PARITY=1: the as-run variants decode 365-frame VAE histories, minutes on a
/// 2-core CPU (`liveavatar parity ../shared/golden/sampler_e2e` runs the same checks).</summary>
public sealed class FullParityFactAttribute : FactAttribute
{
    public FullParityFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LIVEAVATAR_FULL_PARITY") != "1")
            Skip = "set LIVEAVATAR_FULL_PARITY=1 (several minutes of 365-frame VAE work on the CPU)";
    }
}

[Collection(TorchCollection.Name)]
public sealed class SamplerE2eParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_pure_fp32_runs_match_every_velocity_and_clean_latent_of_the_golden_fixture()
    {
        var checks = Run(run => run.EndsWith("_fp32norm3", StringComparison.Ordinal));
        foreach (var run in new[] { "noonline_fp32norm3", "online_fp32norm3" })
        {
            Assert.Contains(checks, c => c.Name == $"{run}/clean_latents_clip1");
            Assert.Contains(checks, c => c.Name == $"{run}/c1b1s3/velocity");
        }
        foreach (var name in new[] { "audio/audio_emb", "vae/ref_encode_out", "vae/motion_encode_out_last19" })
            Assert.Contains(checks, c => c.Name == name);
    }

    [FullParityFact]
    public void Every_recorded_run_matches_the_golden_fixture_down_to_the_uint8_video()
    {
        var checks = Run(null);
        foreach (var run in new[] { "noonline", "online", "noonline_fp32norm3", "online_fp32norm3" })
        {
            Assert.Contains(checks, c => c.Name == $"{run}/clean_latents_clip1");
            Assert.Contains(checks, c => c.Name == $"{run}/c1b1s3/velocity");
        }
        foreach (var name in new[] { "noonline/video_uint8", "online/video_uint8", "online/prefill1/ref_latents", "online/prefill1/motion_latents_last19" })
            Assert.Contains(checks, c => c.Name == name);
    }

    private List<ParityCheck> Run(Func<string, bool>? runs)
    {
        var before = LiveTensors.Settled();
        List<ParityCheck> checks;
        using (var folder = new GoldenFolder(GoldenPaths.Folder("sampler_e2e")))
            checks = new SamplerE2eParityRunner(runs).Run(folder, torch.CPU).ToList();
        foreach (var c in checks) output.WriteLine(c.ToString());
        var failed = checks.Where(c => !c.Passed).Select(c => c.ToString()).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.Equal(before, Tensor.TotalCount);
        return checks;
    }
}
