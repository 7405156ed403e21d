using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.AspNetCore.Components.Forms;

namespace LiveAvatar.Web.Tests.Components;

public class InputsPanelTests : PageContext
{
    private static readonly TimeSpan Upload = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_dropped_image_shows_its_preview_name_and_size()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        panel.FindComponents<InputFile>()[0].UploadFiles(InputFileContent.CreateFromBinary(File.ReadAllBytes(TestData.ExampleImage), "portrait-anna.png"));

        panel.WaitForAssertion(() => Assert.Equal("portrait-anna.png · 512×704", panel.Find("[data-testid=image-info]").TextContent.Trim()), Upload);
        Assert.Equal(state.Form.Image!.Url, panel.Find("[data-testid=image-preview]").GetAttribute("src"));
        Assert.Equal("false", panel.Find("[data-testid=image-upload]").GetAttribute("data-uploading"));
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_refused_under_its_zone()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        panel.FindComponents<InputFile>()[0].UploadFiles(InputFileContent.CreateFromText("not a picture", "photo.png"));

        panel.WaitForAssertion(() => Assert.StartsWith("The uploaded file is not a media file",
            panel.Find("[data-testid=image-upload-error]").TextContent.Trim()), Upload);
        Assert.Empty(panel.FindAll("[data-testid=image-preview]"));
    }

    [Fact]
    public void Audio_gets_a_player_its_length_and_a_waveform_from_the_decoded_samples()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        panel.FindComponents<InputFile>()[1].UploadFiles(InputFileContent.CreateFromBinary(File.ReadAllBytes(TestData.ExampleAudio), "speech-hello.wav"));

        panel.WaitForAssertion(() => Assert.Equal(AudioWaveforms.DefaultBars.ToString(System.Globalization.CultureInfo.InvariantCulture),
            panel.Find("[data-testid=audio-waveform]").GetAttribute("data-bars")), Upload);
        Assert.Matches(@"^speech-hello\.wav · \d\.\d s$", panel.Find("[data-testid=audio-duration]").TextContent.Trim());
        Assert.Equal(AudioWaveforms.DefaultBars, panel.FindAll("[data-testid=audio-waveform] rect").Count);
        Assert.Equal(state.Form.Audio!.Url, panel.Find("[data-testid=audio-player]").GetAttribute("src"));
    }

    [Fact]
    public void The_prompt_binds_and_a_blank_one_is_explained_once_generate_was_pressed()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        panel.Find("[data-testid=prompt]").Input("");
        Assert.Equal("", state.Form.Prompt);
        Assert.Empty(panel.FindAll("[data-testid=prompt-error]"));
        state.Generate();
        panel.Render();

        Assert.StartsWith("A prompt is required", panel.Find("[data-testid=prompt-error]").TextContent.Trim());
        Assert.StartsWith("What works:", panel.Find("[data-testid=prompt-hint]").TextContent.Trim());
    }

    [Fact]
    public void A_prompt_longer_than_the_contract_allows_is_refused_with_the_limit()
    {
        using var state = NewState();
        var panel = Panel<InputsPanel>(state);

        panel.Find("[data-testid=prompt]").Input(new string('a', GenerationLimits.MaxPromptLength + 1));

        Assert.Contains("at most 2,000", panel.Find("[data-testid=prompt-error]").TextContent);
    }
}
