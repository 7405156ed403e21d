using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Components;

public class GenerateBarTests : PageContext
{
    [Fact]
    public async Task Generate_pressed_while_files_upload_shows_uploading_and_starts_the_job_when_they_are_in()
    {
        using var state = NewState();
        await state.LoadExampleAsync("anna");
        string? submitted = null;
        state.Submitted += id => submitted = id;
        var gate = new TaskCompletionSource();
        var upload = state.UploadAsync(UploadKind.Audio, new GatedStream(File.ReadAllBytes(TestData.ExampleAudio), gate.Task), "late.wav");
        var bar = Panel<GenerateBar>(state);
        Assert.StartsWith("Uploading…", bar.Find("[data-testid=generate]").TextContent.Trim());

        Assert.Equal(GenerateOutcome.WaitingForUploads, state.Generate());
        bar.Render();

        Assert.Contains("then generating", bar.Find("[data-testid=generate]").TextContent);
        Assert.True(bar.Find("[data-testid=generate]").HasAttribute("disabled"));
        Assert.Empty(Data.Queue.Active);
        gate.SetResult();
        await upload;
        bar.Render();

        var job = Assert.Single(Data.Queue.Active);
        Assert.Equal(job.Id, submitted);
        Assert.Equal("late.wav", job.Record.Audio.OriginalName);
        Assert.Equal("Generate", bar.Find("[data-testid=generate]").TextContent.Trim());
    }

    [Fact]
    public void Problems_of_a_refused_submission_are_listed_beside_the_button()
    {
        using var state = NewState();
        state.Form.InferFrames = 40;

        state.Generate();
        var bar = Panel<GenerateBar>(state);

        var problems = bar.FindAll("[data-testid=submit-errors] li").Select(li => li.TextContent).ToList();
        Assert.Contains(problems, p => p.StartsWith("A reference image is required"));
        Assert.Contains(problems, p => p.Contains("40 frames per clip"));
        Assert.True(bar.Find("[data-testid=cancel]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Cancel_is_enabled_while_the_watched_job_is_active_and_stops_it()
    {
        using var state = NewState();
        await state.LoadExampleAsync("anna");
        state.Generate();
        var bar = Panel<GenerateBar>(state);

        bar.Find("[data-testid=cancel]").Click();

        Assert.Equal(JobStatus.Cancelled, state.Watched!.Status);
    }

    /// <summary>A stream whose bytes arrive only once the test opens the gate: an upload still on its way.</summary>
    private sealed class GatedStream(byte[] bytes, Task gate) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await gate.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer, cancellationToken);
        }
    }
}
