using Bunit;
using SpeakerMaskReader = LiveAvatar.Engine.Media.SpeakerMaskReader;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.Components;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;

namespace LiveAvatar.Web.Tests.Conditioning;

/// <summary>The inputs panel's optional inputs: a pose video, a second speaker and marking both speakers.</summary>
public class ConditioningPageTests : PageContext
{
    private static readonly TimeSpan Upload = TimeSpan.FromSeconds(20);

    // The file inputs in the panel's order: image, audio, pose video, second audio.
    private static void Choose(IRenderedComponent<PanelHost<InputsPanel>> panel, int input, string path) =>
        panel.FindComponents<InputFile>()[input].UploadFiles(InputFileContent.CreateFromBinary(File.ReadAllBytes(path), Path.GetFileName(path)));

    [Fact]
    public void A_pose_video_shows_its_length_size_and_rate_and_can_be_removed()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        Choose(panel, 2, TestData.ExamplePoseVideo);

        panel.WaitForAssertion(() => Assert.Equal("pose-wave.mp4 · 4.0 s · 256×352 · 25 fps",
            panel.Find("[data-testid=pose-info]").TextContent.Trim()), Upload);
        Assert.Equal(state.Form.PoseVideo!.Url, panel.Find("[data-testid=pose-preview]").GetAttribute("src"));
        Assert.Equal(state.Form.PoseVideo.Id, state.Form.ToParameters().PoseVideoId);

        panel.Find("[data-testid=pose-upload-remove]").Click();

        Assert.Null(state.Form.PoseVideo);
        Assert.Empty(panel.FindAll("[data-testid=pose-info]"));
    }

    [Fact]
    public void An_audio_file_chosen_as_pose_video_is_refused_under_its_zone()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        Choose(panel, 2, TestData.ExampleAudio);

        panel.WaitForAssertion(() => Assert.Contains("has no video stream",
            panel.Find("[data-testid=pose-upload-error]").TextContent), Upload);
        Assert.Null(state.Form.PoseVideo);
    }

    [Fact]
    public async Task A_second_voice_asks_for_both_speakers_and_clicks_on_the_picture_mark_them()
    {
        using var state = NewState();
        await using (var s = File.OpenRead(TestData.ExampleTwoSpeakers)) await state.UploadAsync(InputSlot.Image, s, "two.png");
        var panel = Panel<InputsPanel>(state);
        Assert.Empty(panel.FindAll("[data-testid=speaker-marks]"));

        Choose(panel, 3, TestData.ExampleSecondAudio);
        panel.WaitForAssertion(() => Assert.Matches(@"^speech-reply\.wav · \d\.\d s$", panel.Find("[data-testid=audio2-duration]").TextContent.Trim()), Upload);
        var canvas = panel.Find("[data-testid=speaker-canvas]");
        // two-speakers.png is 1024×704, drawn 320×220: the faces sit at (80, 94) and (240, 94).
        Assert.Equal(("320", "220"), (canvas.GetAttribute("data-width"), canvas.GetAttribute("data-height")));
        canvas.Click(new MouseEventArgs { OffsetX = 80, OffsetY = 94 });
        panel.Find("[data-testid=speaker-canvas]").Click(new MouseEventArgs { OffsetX = 240, OffsetY = 94 });

        Assert.Equal("2", panel.Find("[data-testid=speaker-marks]").GetAttribute("data-marked"));
        var a = panel.Find("[data-testid=speaker-mark-0]");
        var b = panel.Find("[data-testid=speaker-mark-1]");
        Assert.Equal(("256", "300.8", "140.8"), (a.GetAttribute("data-x"), a.GetAttribute("data-y"), a.GetAttribute("data-r")));
        Assert.Equal(("768", "300.8"), (b.GetAttribute("data-x"), b.GetAttribute("data-y")));
        Assert.Equal("A", a.QuerySelector("text")!.TextContent);
        Assert.Contains("la-mark-b", b.GetAttribute("class"));

        panel.Find("[data-testid=speaker-size-1]").Input("10");
        Assert.Equal("70.4", panel.Find("[data-testid=speaker-mark-1]").GetAttribute("data-r"));
        Assert.Equal(2, state.Form.ToParameters().SpeakerMarks!.Count);
    }

    [Fact]
    public async Task Generate_with_one_speaker_unmarked_names_the_missing_mask_under_the_marker()
    {
        using var state = NewState();
        await state.LoadExampleAsync("anna");
        await using (var s = File.OpenRead(TestData.ExampleSecondAudio)) await state.UploadAsync(InputSlot.SecondAudio, s, "b.wav");
        var panel = Panel<InputsPanel>(state);
        panel.Find("[data-testid=speaker-canvas]").Click(new MouseEventArgs { OffsetX = 100, OffsetY = 100 });
        Assert.Empty(panel.FindAll("[data-testid=speaker-marks-error]"));

        Assert.Equal(GenerateOutcome.Refused, state.Generate());
        panel.Render();

        Assert.Equal("1 speaker masks for two speakers: give exactly one mask per audio track.",
            panel.Find("[data-testid=speaker-marks-error]").TextContent.Trim());
        Assert.Empty(Data.Queue.Active);
    }

    [Fact]
    public async Task The_two_speaker_example_queues_a_job_with_painted_masks_and_both_tracks()
    {
        using var state = NewState();
        await state.LoadExampleAsync("duo");
        var panel = Panel<InputsPanel>(state);
        Assert.Equal("2", panel.Find("[data-testid=speaker-marks]").GetAttribute("data-marked"));

        Assert.Equal(GenerateOutcome.Started, state.Generate());

        var request = Data.Queue.FindActive(state.WatchedId)!.Request;
        Assert.Equal(Data.Uploads.PathOf(state.Form.SecondAudio!), request.SecondAudioPath);
        Assert.Equal(2, request.SpeakerMaskPaths!.Count);
        var left = await SpeakerMaskReader.ReadAsync(request.SpeakerMaskPaths[0]);
        var right = await SpeakerMaskReader.ReadAsync(request.SpeakerMaskPaths[1]);
        Assert.Equal((1024, 704), (left.Width, left.Height));
        Assert.Equal(1, left.Bits[300 * 1024 + 256]);
        Assert.Equal(0, left.Bits[300 * 1024 + 768]);
        Assert.Equal(1, right.Bits[300 * 1024 + 768]);
        Assert.Equal("speech-reply.wav", state.Watched!.SecondAudio!.OriginalName);
    }
}
