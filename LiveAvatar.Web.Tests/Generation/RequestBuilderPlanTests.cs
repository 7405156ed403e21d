using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Generation;

public sealed class RequestBuilderPlanTests
{
    [Fact]
    public void Vae_parallel_on_six_gpus_runs_at_most_one_dit_stage_per_step_and_decodes_on_the_last()
    {
        var plan = RequestBuilder.Plan(["cpu", "cuda:0", "cuda:1", "cuda:2", "cuda:3", "cuda:4", "cuda:5"], vaeParallel: true, maxDitStages: 4);
        Assert.Equal(["cuda:0", "cuda:1", "cuda:2", "cuda:3"], plan.DitDevices);
        Assert.Equal("cuda:5", plan.EffectiveVaeDevice);
    }

    [Fact]
    public void Without_vae_parallel_one_gpu_runs_everything()
    {
        var plan = RequestBuilder.Plan(["cpu", "cuda:0", "cuda:1"], vaeParallel: false);
        Assert.Equal(["cuda:0"], plan.DitDevices);
        Assert.Equal("cuda:0", plan.EffectiveVaeDevice);
    }
}
