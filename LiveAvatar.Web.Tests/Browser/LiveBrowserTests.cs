using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A browser of its own with Chromium's fake microphone playing the example speech (looped), so the page's
/// real capture path (getUserMedia, AudioWorklet, WebSocket) runs without a person.</summary>
public sealed class FakeMicrophoneBrowserFixture : BrowserFixture
{
    protected override IEnumerable<string> ExtraBrowserArgs =>
    [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--use-file-for-fake-audio-capture=" + Path.Combine(RepoPaths.Examples, "speech-hello.wav"),
    ];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FakeMicrophoneCollection : ICollectionFixture<FakeMicrophoneBrowserFixture>
{
    public const string Name = "Browser with a fake microphone";
}

/// <summary>The Live page end to end: published server, demo checkpoint, Chromium capturing the fake microphone.</summary>
[Collection(FakeMicrophoneCollection.Name)]
public class LiveBrowserTests(FakeMicrophoneBrowserFixture fixture)
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(3);

    [GeneratorFact]
    public async Task Speaking_into_the_microphone_brings_segments_back_while_audio_is_still_being_sent_and_stop_offers_the_recording()
    {
        var page = await fixture.OpenPageAsync("/live");
        try
        {
            await Expect(page.GetByTestId("live-image")).ToHaveAttributeAsync("data-ready", "true");
            await page.GetByTestId("live-image").Locator("input[type=file]").SetInputFilesAsync(await PageActions.SmallPortraitAsync(64));
            await Expect(page.GetByTestId("live-image-preview")).ToBeVisibleAsync();

            await page.GetByTestId("live-start").ClickAsync();

            var video = page.GetByTestId("live-video");
            await Expect(video).ToHaveAttributeAsync("data-appended", new Regex("^[1-9][0-9]*$"), new() { Timeout = (float)Slow.TotalMilliseconds });
            // The first segment is on screen while the microphone is still streaming: more audio goes out after it.
            Assert.Equal("true", await video.GetAttributeAsync("data-sending"));
            var sentAtFirstSegment = long.Parse(await video.GetAttributeAsync("data-sent-samples") ?? "0");
            Assert.True(sentAtFirstSegment > 0);
            await page.WaitForFunctionAsync("n => Number(document.querySelector('[data-testid=live-video]').dataset.sentSamples) > n + 8000",
                sentAtFirstSegment);
            await Expect(page.GetByTestId("live-latency")).ToContainTextAsync(new Regex(@"\d ms"));
            await Expect(page.GetByTestId("live-realtime")).ToBeVisibleAsync();
            await page.ScreenshotAsync("ui-live.png");

            await page.GetByTestId("live-stop").ClickAsync();

            var recording = page.GetByTestId("live-recording");
            await Expect(recording).ToBeVisibleAsync(new() { Timeout = (float)Slow.TotalMilliseconds });
            var response = await page.APIRequest.GetAsync(await recording.GetAttributeAsync("href") ?? "");
            Assert.Equal(200, response.Status);
            Assert.Equal("video/mp4", response.Headers["content-type"]);
            Assert.True((await response.BodyAsync()).Length > 1000);
            Assert.Equal("stopped", await video.GetAttributeAsync("data-state"));
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server log ---\n{fixture.Server.Log[^Math.Min(4000, fixture.Server.Log.Length)..]}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
