using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines;

[Collection(TorchCollection.Name)]
public sealed class GeneratorGuidanceTests(GeneratorFixture f) : IClassFixture<GeneratorFixture>
{
    [Fact]
    public async Task A_guided_request_runs_with_the_default_negative_prompt_and_reports_progress_per_step()
    {
        var request = f.Request(3, 1, "guided") with { GuideScale = 3, SampleSteps = 2 };
        Assert.Empty(f.Generator.Validate(request));
        var updates = new List<GenerationUpdate>();
        await foreach (var u in f.Generator.GenerateAsync(request)) updates.Add(u);
        var progress = updates.OfType<GenerationProgress>().ToList();
        Assert.Equal(4 * 2, progress.Count);
        Assert.Equal(1.0, progress[^1].Fraction, 6);
        Assert.IsType<GenerationCompleted>(updates[^1]);
    }

    [Fact]
    public void A_guide_scale_that_is_not_a_number_is_refused()
    {
        var problems = f.Generator.Validate(f.Request(1, 1, "nan") with { GuideScale = double.NaN });
        Assert.Contains(problems, p => p.Field == GenerationField.GuideScale && p.Message.Contains("NaN is outside 0 to 10"));
    }
}
