using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Components.Status;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.Generation;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Markup;

public class GenerationMarkupTests
{
    private static GenerationPageState State(TestData data) =>
        new(data.Queue, data.History, data.Uploads, data.Examples_, data.Time, new Random(1));

    private static Task<RenderedMarkup> Render<T>(TestData data, params (string Name, object? Value)[] parameters)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        MarkupRenderer.RenderAsync<T>(s => s.AddHomePage(data), parameters.ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task The_inputs_panel_shows_file_inputs_previews_duration_and_the_prompt_hint()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("anna");

        var markup = await Render<InputsPanel>(data, ("State", state));

        Assert.Matches("<input[^>]*type=\"file\"[^>]*data-testid=\"image-upload\"|<input[^>]*data-testid=\"image-upload\"[^>]*type=\"file\"", markup.Html);
        Assert.True(markup.Has("audio-upload"));
        Assert.Contains($"src=\"/uploads/{state.Form.Image!.Id}\"", markup.Html);
        Assert.Equal("portrait-anna.png · 512×704", markup.TextsOf("image-info").Single());
        Assert.Matches(@"speech-hello\.wav · \d\.\d s", markup.TextsOf("audio-duration").Single());
        Assert.True(markup.Has("audio-player"));
        Assert.StartsWith("What works:", markup.TextsOf("prompt-hint").Single());
    }

    [Fact]
    public async Task An_upload_rejection_is_shown_under_its_input()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.UploadAsync(UploadKind.Image, new MemoryStream("nope"u8.ToArray()), "a.png");

        var markup = await Render<InputsPanel>(data, ("State", state));

        Assert.StartsWith("The uploaded file is not a media file", markup.TextsOf("image-upload-error").Single());
    }

    [Fact]
    public async Task The_examples_gallery_has_a_button_per_example()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);

        var markup = await Render<ExamplesGallery>(data, ("State", state));

        Assert.True(markup.Has("example-anna"));
        Assert.True(markup.Has("example-ben"));
        Assert.Contains("src=\"/assets/examples/portrait-ben.png\"", markup.Html);
    }

    [Fact]
    public async Task The_parameters_panel_shows_sizes_output_size_clip_length_and_the_vae_reason()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("anna");
        state.Form.GuideScale = 3;
        state.Form.InferFrames = 40;

        var markup = await Render<ParametersPanel>(data, ("State", state));

        foreach (string size in GenerationForm.Sizes) Assert.Contains($"<option value=\"{size}\"", markup.Html);
        Assert.StartsWith("output ", markup.TextsOf("size-output").Single());
        Assert.Contains("twice per step", markup.TextsOf("guide-scale-cost").Single());
        Assert.Contains("multiple of 12", markup.TextsOf("infer-frames-error").Single());
        Assert.Equal("Needs 2 or more GPUs; only 1 is present.", markup.TextsOf("vae-parallel-reason").Single());
        Assert.Matches("<input[^>]*data-testid=\"vae-parallel\"[^>]*disabled", markup.Html);
        foreach (string id in new[] { "num-clip", "sample-steps", "seed", "seed-randomize", "online-decode", "fp8", "lora-enable", "lora-path", "lora-reload" })
            Assert.True(markup.Has(id), id);
    }

    [Fact]
    public async Task The_clip_info_states_video_length_and_the_audio_maximum()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("anna");
        state.Form.NumClip = 1;

        var markup = await Render<ParametersPanel>(data, ("State", state));

        Assert.Matches(@"^1 clip → 45 frames = 1\.8 s at 25 fps; the audio \(\d\.\d s\) allows at most \d clips$",
            markup.TextsOf("num-clip-info").Single());
    }

    [Fact]
    public async Task The_presets_bar_has_four_presets_and_marks_the_active_one()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        state.ApplyPreset("standard");

        var markup = await Render<PresetsBar>(data, ("State", state));

        foreach (var preset in Presets.All) Assert.True(markup.Has($"preset-{preset.Id}"), preset.Id);
        Assert.Equal(Presets.Standard.Description, markup.TextsOf("preset-description").Single());
    }

    [Fact]
    public async Task The_generate_bar_lists_submit_problems()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        state.Generate();

        var markup = await Render<GenerateBar>(data, ("State", state));

        Assert.True(markup.Has("generate"));
        Assert.True(markup.Has("cancel"));
        Assert.Contains("Upload a reference image", markup.TextsOf("submit-errors").Single());
    }

    [Fact]
    public async Task The_progress_panel_shows_position_eta_log_and_errors()
    {
        using var data = new TestData();
        var running = ProgressView.From(ProgressViewTests.Record(), new GenerationProgress(1, 2, 2, 4, 3, 4,
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(61), [], "denoising"), 0);
        var failed = ProgressView.From(ProgressViewTests.Record(JobStatus.Failed) with
        {
            Error = new JobError(GenerationErrorKind.OutOfMemory, "CUDA out of memory", ErrorHints.OutOfMemory),
        }, null, -1);

        var live = await Render<ProgressPanel>(data, ("View", running));
        var error = await Render<ProgressPanel>(data, ("View", failed));
        var idle = await Render<ProgressPanel>(data, ("View", null));

        Assert.Equal("Clip 1/2 · block 2/4 · step 3/4", live.TextsOf("progress-position").Single());
        Assert.Equal("ETA 1:01", live.TextsOf("progress-eta").Single());
        Assert.Contains("line 20", live.TextsOf("progress-log").Single());
        Assert.Equal("CUDA out of memory", error.TextsOf("job-error").Single());
        Assert.Contains("enable online decode", error.TextsOf("job-hint").Single());
        Assert.StartsWith("No job yet", idle.TextsOf("progress-headline").Single());
    }

    [Fact]
    public async Task The_preview_is_a_video_tagged_with_its_job_and_segment_count()
    {
        using var data = new TestData();
        var record = ProgressViewTests.Record() with { MimeType = FakeVideoGenerator.Mime, Segments = 1, Clips = 3 };

        var markup = await Render<PreviewPlayer>(data, ("Record", record));

        Assert.Matches($"<video[^>]*data-testid=\"preview\"[^>]*data-job=\"{record.Id}\"[^>]*data-segments=\"1\"", markup.Html);
        Assert.Equal("1 of 3 clips in the preview", markup.TextsOf("preview-caption").Single());
    }

    [Fact]
    public async Task The_result_panel_links_the_download_when_done_and_the_partial_clips_otherwise()
    {
        using var data = new TestData();
        var done = ProgressViewTests.Record(JobStatus.Completed) with { OutputPath = "/x.mp4", Width = 704, Height = 384, OutputFrames = 93 };
        var cancelled = ProgressViewTests.Record(JobStatus.Cancelled) with { Segments = 1 };

        var finished = await Render<ResultPanel>(data, ("Record", done));
        var partial = await Render<ResultPanel>(data, ("Record", cancelled));

        Assert.Contains($"href=\"/jobs/{done.Id}/video.mp4?download=true\"", finished.Html);
        Assert.True(finished.Has("result-video"));
        Assert.Contains($"href=\"/jobs/{cancelled.Id}/partial.mp4\"", partial.Html);
    }

    [Fact]
    public async Task The_queue_panel_shows_positions_and_cancel_buttons()
    {
        using var data = new TestData();
        var rows = new List<QueueRow> { new("a", "x + y", "running", true, true), new("b", "x + y", "#1 waiting", false, false) };

        var markup = await Render<QueuePanel>(data, ("Rows", (IReadOnlyList<QueueRow>)rows));

        Assert.Equal(["running", "#1 waiting"], markup.TextsOf("queue-position"));
        Assert.Equal(2, markup.Count("queue-cancel"));
        Assert.Equal(1, markup.Count("queue-watch"));
    }

    [Fact]
    public async Task The_history_panel_shows_each_run_with_regenerate_and_delete()
    {
        using var data = new TestData();
        var record = ProgressViewTests.Record(JobStatus.Completed) with { OutputPath = "/x.mp4" };
        var rows = HistoryView.From([record], TimeZoneInfo.Utc);

        var markup = await Render<HistoryPanel>(data, ("Rows", rows));

        Assert.Equal(1, markup.Count("history-item"));
        Assert.True(markup.Has("regenerate"));
        Assert.True(markup.Has("delete"));
        Assert.True(markup.Has("history-download"));
        Assert.Contains("704*384 · 3 clips", markup.TextsOf("history-parameters").Single());
    }

    [Fact]
    public async Task The_generator_section_shows_demo_weights_devices_and_the_last_error()
    {
        using var data = new TestData();
        var view = GeneratorStatusView.From(new FakeVideoGenerator().Info,
            new JobError(GenerationErrorKind.OutOfMemory, "CUDA out of memory", ErrorHints.OutOfMemory), SampleStatus.CheckedAt, TimeZoneInfo.Utc);

        var markup = await Render<GeneratorSection>(data, ("View", view));

        Assert.StartsWith("demo checkpoint", markup.TextsOf("status-generator-weights").Single());
        Assert.Equal("Devices: cpu, cuda:0", markup.TextsOf("status-generator-devices").Single());
        Assert.Equal("Last error (13:14:15): CUDA out of memory (OutOfMemory)", markup.TextsOf("status-last-error").Single());
        Assert.Contains("Lower the resolution", markup.TextsOf("status-last-error-hint").Single());
    }
}
