using LiveAvatar.Tools.Parity;
using LiveAvatar.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Models.Dit;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Sampling;

[Collection(TorchCollection.Name)]
public sealed class FlowMatchScheduleTests
{
    [Theory]
    [InlineData(4, new[] { 1000.0, 857.6923, 602.1506, 8.9286 }, new[] { 1.0, 0.857692, 0.602151, 0.008929, 0 })]
    [InlineData(3, new[] { 1000.0, 751.1211, 8.9286 }, new[] { 1.0, 0.751121, 0.008929, 0 })]
    [InlineData(2, new[] { 1000.0, 8.9286 }, new[] { 1.0, 0.008929, 0 })]
    public void Schedule_matches_the_spec_table(int steps, double[] timesteps, double[] sigmas)
    {
        var s = FlowMatchSchedule.Create(steps);
        Assert.Equal(steps, s.Steps);
        for (var i = 0; i < steps; i++) Assert.True(Math.Abs(s.Timesteps[i] - timesteps[i]) <= 1e-4 * Math.Max(1, timesteps[i]), $"t[{i}] {s.Timesteps[i]}");
        for (var i = 0; i <= steps; i++) Assert.True(Math.Abs(s.Sigmas[i] - sigmas[i]) <= 1e-6 + 1e-4 * sigmas[i], $"sigma[{i}] {s.Sigmas[i]}");
    }

    [Fact]
    public void Four_step_schedule_equals_the_dit_fixture_bit_for_bit()
    {
        using var golden = new GoldenFolder(GoldenPaths.Folder("dit_block"));
        var cfg = golden.Config;
        var s = FlowMatchSchedule.Create(cfg.GetProperty("num_steps").GetInt32());
        var t = cfg.GetProperty("timesteps").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var sig = cfg.GetProperty("sigmas").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        Assert.Equal(t, s.Timesteps);
        Assert.Equal(sig, s.Sigmas);
    }

    [Fact]
    public void Euler_step_adds_the_sigma_difference_times_the_velocity()
    {
        using var scope = torch.NewDisposeScope();
        var s = FlowMatchSchedule.Create(4);
        var x = torch.tensor(new float[] { 1f, -2f, 0.5f });
        var v = torch.tensor(new float[] { 0.25f, 4f, -1f });
        var y = s.Step(x, v, 1);
        var d = s.Sigmas[2] - s.Sigmas[1];
        Assert.Equal(new[] { 1f + d * 0.25f, -2f + d * 4f, 0.5f - d }, HostArrays.Read<float>(y));
    }
}
