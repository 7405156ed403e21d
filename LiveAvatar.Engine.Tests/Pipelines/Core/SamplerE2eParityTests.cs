using LiveAvatar.Engine.Parity;
using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.Models.Dit;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

[Collection(TorchCollection.Name)]
public sealed class SamplerE2eParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_whole_generate_loop_matches_the_golden_fixture_in_every_recorded_run()
    {
        var before = Tensor.LiveCount;
        List<ParityCheck> checks;
        using (var folder = new GoldenFolder(DitGoldenPaths.Folder("sampler_e2e")))
            checks = new SamplerE2eParityRunner().Run(folder, Device.Cpu).ToList();
        foreach (var c in checks) output.WriteLine(c.ToString());
        foreach (var run in new[] { "noonline", "online", "noonline_fp32norm3", "online_fp32norm3" })
        {
            Assert.Contains(checks, c => c.Name == $"{run}/clean_latents_clip1");
            Assert.Contains(checks, c => c.Name == $"{run}/c1b1s3/velocity");
        }
        foreach (var name in new[] { "noonline/video_uint8", "online/video_uint8", "online/prefill1/ref_latents", "audio/audio_emb", "vae/ref_encode_out", "vae/motion_encode_out_last19" })
            Assert.Contains(checks, c => c.Name == name);
        var failed = checks.Where(c => !c.Passed).Select(c => c.ToString()).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.Equal(before, Tensor.LiveCount);
    }
}
