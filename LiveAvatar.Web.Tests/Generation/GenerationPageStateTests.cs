using System.Text;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.AspNetCore.Components.Forms;

namespace LiveAvatar.Web.Tests.Generation;

public class GenerationPageStateTests
{
    private static GenerationPageState State(TestData data) =>
        new(data.Queue, data.History, data.Uploads, data.Examples_, data.Time, new Random(1));

    [Fact]
    public void Without_a_generator_generate_is_off_and_says_why()
    {
        using var data = new TestData(generator: null);
        using var state = State(data);

        Assert.False(state.CanGenerate);
        Assert.Equal(GenerateOutcome.Refused, state.Generate());
        Assert.Equal([JobQueue.GeneratorMissing], state.SubmitProblems);
    }

    [Fact]
    public void Missing_inputs_show_only_after_a_generate_click()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        Assert.Empty(state.Errors);

        Assert.Equal(GenerateOutcome.Refused, state.Generate());

        Assert.Contains("image-upload", state.Errors.Keys);
        Assert.Contains("audio-upload", state.Errors.Keys);
        Assert.Equal(2, state.SubmitProblems.Count);
    }

    [Fact]
    public async Task An_example_fills_image_audio_and_prompt()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);

        await state.LoadExampleAsync("ben");

        Assert.Equal("portrait-ben.png", state.Form.Image!.OriginalName);
        Assert.Equal("speech-weather.wav", state.Form.Audio!.OriginalName);
        Assert.Equal(ExampleLibrary.All[1].Prompt, state.Form.Prompt);
        Assert.NotNull(state.Form.OutputSize);
    }

    [Fact]
    public async Task A_rejected_upload_shows_its_reason_and_leaves_the_input_empty()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);

        await state.UploadAsync(UploadKind.Image, new MemoryStream(Encoding.UTF8.GetBytes("plain text")), "x.png");

        Assert.Null(state.Form.Image);
        Assert.StartsWith("The uploaded file is not a media file", state.ImageError);
    }

    [Fact]
    public async Task A_browser_file_over_the_limit_is_refused_before_streaming()
    {
        using var data = new TestData(new FakeVideoGenerator(), new UploadLimits(UploadLimits.MiB, UploadLimits.MiB));
        using var state = State(data);

        await state.UploadAsync(UploadKind.Audio, new HugeBrowserFile());

        Assert.Equal("The audio file is 5 MB; the limit is 1 MB.", state.AudioError);
    }

    [Fact]
    public async Task Generate_queues_the_job_watches_it_and_reports_its_progress()
    {
        var generator = new FakeVideoGenerator { Clips = 2, ClipGate = new SemaphoreSlim(0) };
        using var data = new TestData(generator);
        using var state = State(data);
        await state.LoadExampleAsync("anna");
        int changes = 0;
        state.Changed += () => Interlocked.Increment(ref changes);

        Assert.Equal(GenerateOutcome.Started, state.Generate());
        Assert.Equal(JobStatus.Queued, state.Watched!.Status);
        Assert.True(state.CanCancel);
        var run = data.Queue.RunNextAsync();
        await generator.FirstClipSent.Task;

        Assert.Equal(1, state.Watched!.Segments);
        Assert.StartsWith("Clip 1/2 · block 2/2 · step 4/4", state.Progress!.Position);
        Assert.True(changes > 5);
        generator.ClipGate.Release(5);
        await run;
        Assert.Equal(JobStatus.Completed, state.Watched!.Status);
        Assert.False(state.CanCancel);
    }

    [Fact]
    public async Task A_second_page_watching_the_same_job_picks_up_its_progress()
    {
        var generator = new FakeVideoGenerator { Clips = 2, ClipGate = new SemaphoreSlim(0) };
        using var data = new TestData(generator);
        using var first = State(data);
        await first.LoadExampleAsync("anna");
        first.Generate();
        var run = data.Queue.RunNextAsync();
        await generator.FirstClipSent.Task;

        using var reconnected = State(data);
        reconnected.Watch(first.WatchedId);

        Assert.Same(first.LiveJob, reconnected.LiveJob);
        Assert.Equal(1, reconnected.Watched!.Segments);
        generator.ClipGate.Release(5);
        await run;
    }

    [Fact]
    public async Task Regenerate_loads_a_past_runs_parameters_and_inputs()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("anna");
        state.ApplyPreset("quick");
        state.Form.Seed = 77;
        state.Generate();
        await data.Queue.RunNextAsync();
        string id = state.WatchedId!;

        using var fresh = State(data);
        Assert.True(fresh.Regenerate(id));

        Assert.Equal(("384*256", 10, 3, 77L), (fresh.Form.Size, fresh.Form.NumClip, fresh.Form.SampleSteps, fresh.Form.Seed));
        Assert.Equal(state.Form.Image, fresh.Form.Image);
        Assert.Null(fresh.ImageError);
    }

    [Fact]
    public async Task Deleting_the_watched_run_stops_watching_it()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("anna");
        state.Generate();
        await data.Queue.RunNextAsync();

        Assert.True(state.Delete(state.WatchedId!));

        Assert.Null(state.WatchedId);
        Assert.Empty(state.HistoryRows);
    }

    [Fact]
    public void Lora_reload_accepts_only_a_file_from_the_servers_list_and_never_probes_a_typed_path()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        state.Form.LoraEnabled = true;
        state.Form.LoraPath = "/etc/shadow";

        state.ReloadLora();

        Assert.Equal("That LoRA is not in the server's list; pick one from the list.", state.LoraStatus);
    }

    private sealed class HugeBrowserFile : IBrowserFile
    {
        public string Name => "long.wav";
        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;
        public long Size => 5 * UploadLimits.MiB;
        public string ContentType => "audio/wav";

        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("an oversized file must not be streamed");
    }
}
