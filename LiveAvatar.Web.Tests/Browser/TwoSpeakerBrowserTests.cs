using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A two-speaker job from the page, end to end on the published server and the demo checkpoint.</summary>
[Collection(BrowserCollection.Name)]
public class TwoSpeakerBrowserTests(BrowserFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    [GeneratorFact]
    public async Task Two_voices_with_both_speakers_marked_on_the_picture_render_a_video()
    {
        var page = await fixture.OpenPageAsync();
        try
        {
            await Expect(page.GetByTestId("generate")).ToBeEnabledAsync();
            // The two-person example at 192×132 keeps the demo's CPU work small; the marker draws it 320×220.
            await page.ChooseFileAsync("image-upload", await SmallTwoSpeakersAsync());
            await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
            await page.ChooseFileAsync("audio-upload", Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
            await Expect(page.GetByTestId("audio-duration")).ToBeVisibleAsync();
            await page.ChooseFileAsync("audio2-upload", Path.Combine(RepoPaths.Examples, "speech-reply.wav"));
            await Expect(page.GetByTestId("audio2-duration")).ToBeVisibleAsync();
            await page.GetByTestId("preset-quick").ClickAsync();
            await page.TypeNumberAsync("num-clip-input", 1);

            // Generate before marking: the engine's rule shows under the marker.
            await page.GetByTestId("generate").ClickAsync();
            await Expect(page.GetByTestId("speaker-marks-error")).ToContainTextAsync("two speakers need a mask for each");

            var canvas = page.GetByTestId("speaker-canvas");
            await canvas.ClickAsync(new() { Position = new() { X = 80, Y = 94 } });
            await Expect(page.GetByTestId("speaker-mark-0")).ToBeVisibleAsync();
            await canvas.ClickAsync(new() { Position = new() { X = 240, Y = 94 } });
            await Expect(page.GetByTestId("speaker-marks")).ToHaveAttributeAsync("data-marked", "2");
            await Expect(page.GetByTestId("speaker-mark-1")).ToHaveAttributeAsync("data-x", "144");
            await Expect(page.GetByTestId("speaker-marks-error")).ToHaveCountAsync(0);
            await page.GetByTestId("speaker-marks").ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Screenshots, "ui-two-speakers.png") });

            await page.GetByTestId("generate").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"));
            var item = page.GetByTestId("history-item").First;
            await Expect(item).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            await Expect(item.GetByTestId("history-parameters")).ToContainTextAsync("speech-hello.wav + speech-reply.wav");
            await Expect(item.GetByTestId("history-parameters")).ToContainTextAsync("two speakers (marked)");
            await Expect(page.GetByTestId("download")).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task<string> SmallTwoSpeakersAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "la-two-speakers-192.png");
        if (File.Exists(path)) return path;
        var start = new ProcessStartInfo("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", Path.Combine(RepoPaths.Examples, "two-speakers.png"),
            "-vf", "scale=192:132", path]) { RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg could not scale the picture: " + error);
        return path;
    }
}
