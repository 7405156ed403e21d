using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>Generation end to end against the published server and its real generator (demo checkpoint).</summary>
[Collection(BrowserCollection.Name)]
public class GenerationBrowserTests(BrowserFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    [GeneratorFact]
    public async Task Three_clips_preview_while_rendering_and_download_as_a_valid_mp4()
    {
        var page = await OpenAsync();
        try
        {
            // A 64×64 portrait keeps the demo's CPU VAE work small (output size follows the image below the area).
            await page.GetByTestId("image-upload").SetInputFilesAsync(await SmallPortraitAsync(64));
            await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
            await page.GetByTestId("audio-upload").SetInputFilesAsync(Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
            await Expect(page.GetByTestId("audio-duration")).ToBeVisibleAsync();
            await page.GetByTestId("preset-quick").ClickAsync();
            // Three clips: a clip's preview segment is cut when the next clip reaches the encoder, so the first
            // segment plays while the third clip renders.
            await SetNumberAsync(page, "num-clip", 3);
            // Remember what the job was doing when the preview started to play.
            await page.EvaluateAsync("""
                () => document.querySelector('[data-testid=preview]').addEventListener('playing', () =>
                    window.__playedWhile = document.querySelector('[data-testid=progress]').dataset.status, { once: true })
                """);

            await page.GetByTestId("generate").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"));
            await Expect(page.GetByTestId("preview")).ToHaveAttributeAsync("data-appended", "1",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            await page.WaitForFunctionAsync("() => window.__playedWhile !== undefined", null,
                new() { Timeout = 30_000 });
            Assert.Equal("running", await page.EvaluateAsync<string>("() => window.__playedWhile"));
            await page.Mouse.MoveAsync(0, 0);
            await page.SetViewportSizeAsync(1280, 2300);
            Directory.CreateDirectory(RepoPaths.Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(RepoPaths.Screenshots, "ui-generating.png"), FullPage = true,
                Animations = ScreenshotAnimations.Disabled,
            });

            await Expect(page.GetByTestId("download")).ToBeVisibleAsync(new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
            string file = Path.Combine(Path.GetTempPath(), $"la-download-{Guid.NewGuid():N}.mp4");
            await download.SaveAsAsync(file);
            try
            {
                Assert.EndsWith(".mp4", download.SuggestedFilename);
                string streams = await ProbeAsync(file);
                Assert.Contains("video", streams);
                Assert.Contains("audio", streams);
            }
            finally
            {
                File.Delete(file);
            }
            await Expect(page.GetByTestId("history-item").First).ToHaveAttributeAsync("data-status", "completed");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratorFact]
    public async Task A_running_job_can_be_cancelled()
    {
        var page = await OpenAsync();
        try
        {
            await StartLongJobAsync(page);
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "running",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });

            await page.GetByTestId("cancel").ClickAsync();

            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "cancelled",
                new() { Timeout = 120_000 });
            await Expect(page.GetByTestId("cancel")).ToBeDisabledAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratorFact]
    public async Task Two_pages_queue_one_job_each_and_both_watch_theirs()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        try
        {
            await StartLongJobAsync(first);
            await StartLongJobAsync(second);

            await Expect(second.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "queued");
            await Expect(second.GetByTestId("progress-headline")).ToContainTextAsync("Queued");
            await Expect(first.GetByTestId("queue")).ToHaveAttributeAsync("data-count", "2");
            await Expect(first.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "running",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });

            // The queued job is cancelled from the queue panel of the other page.
            await first.Locator("[data-testid=queue-item]:not(.la-watched) [data-testid=queue-cancel]").ClickAsync();
            await Expect(second.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "cancelled");
            await first.GetByTestId("cancel").ClickAsync();
            await Expect(first.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "cancelled",
                new() { Timeout = 120_000 });
        }
        finally
        {
            await first.Context.CloseAsync();
            await second.Context.CloseAsync();
        }
    }

    private async Task<IPage> OpenAsync()
    {
        var page = await fixture.OpenPageAsync();
        await Expect(page.GetByTestId("generate")).ToBeEnabledAsync();
        return page;
    }

    private static async Task StartLongJobAsync(IPage page)
    {
        await page.GetByTestId("image-upload").SetInputFilesAsync(await SmallPortraitAsync(128));
        await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
        await page.GetByTestId("audio-upload").SetInputFilesAsync(Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
        await Expect(page.GetByTestId("audio-duration")).ToBeVisibleAsync();
        await page.GetByTestId("preset-quick").ClickAsync();
        await SetNumberAsync(page, "infer-frames", 12); // more, shorter clips: the job stays busy long enough
        await page.GetByTestId("generate").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"));
    }

    /// <summary>The example portrait scaled down to size×size (made once per size with ffmpeg).</summary>
    private static async Task<string> SmallPortraitAsync(int size)
    {
        var path = Path.Combine(Path.GetTempPath(), $"la-portrait-{size}.png");
        if (File.Exists(path)) return path;
        var start = new ProcessStartInfo("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", Path.Combine(RepoPaths.Examples, "portrait-anna.png"),
            "-vf", $"scale={size}:{size}", path]) { RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg could not scale the portrait: " + error);
        return path;
    }

    private static async Task SetNumberAsync(IPage page, string testId, int value)
    {
        await page.GetByTestId(testId).FillAsync(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId(testId).BlurAsync();
    }

    private static async Task<string> ProbeAsync(string file)
    {
        var start = new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ffprobe rejected the download: {error}");
        return output;
    }
}
