using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Components.Status;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Status;

public class CheckpointSummaryTests
{
    [Fact]
    public void A_complete_real_checkpoint_counts_its_files()
    {
        var summary = CheckpointSummary.From(SampleStatus.Complete());

        Assert.True(summary.IsComplete);
        Assert.Equal("real", summary.Kind);
        Assert.Equal("All 2 expected files present.", summary.Headline);
    }

    [Fact]
    public void Missing_files_are_counted_against_the_expected_total()
    {
        var summary = CheckpointSummary.From(SampleStatus.MissingTwo());

        Assert.False(summary.IsComplete);
        Assert.StartsWith("2 of 3 expected files missing", summary.Headline);
        Assert.Equal(["diffusion_pytorch_model-00001-of-00004.safetensors", "Wan2.1_VAE.pth"], summary.Missing);
    }

    [Fact]
    public void A_missing_folder_says_where_to_put_weights_and_how_to_choose_another()
    {
        var summary = CheckpointSummary.From(new CheckpointStatus("/nowhere", false, false, [], []));

        Assert.False(summary.IsComplete);
        Assert.Equal("none", summary.Kind);
        Assert.Contains("/nowhere", summary.Headline);
        Assert.Contains("--checkpoint DIR", summary.Headline);
        Assert.Contains("LIVEAVATAR_CKPT_DIR", summary.Headline);
    }

    [Fact]
    public void A_demo_checkpoint_is_labelled_as_not_real_output()
    {
        var summary = CheckpointSummary.From(SampleStatus.Complete() with { IsDemo = true });

        Assert.StartsWith("demo", summary.Kind);
    }
}
