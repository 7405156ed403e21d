using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

using LiveAvatar.Web.Tests.TestSupport;

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
            await page.ChooseFileAsync("image-upload", await PageActions.SmallPortraitAsync(64));
            await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
            await page.ChooseFileAsync("audio-upload", Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
            await Expect(page.GetByTestId("audio-duration")).ToBeVisibleAsync();
            await page.GetByTestId("preset-quick").ClickAsync();
            // Three clips: the preview gets a segment per 12-frame block, so the first ones play while later clips
            // render.
            await page.TypeNumberAsync("num-clip-input", 3);
            // Remember what the job was doing when the preview started to play.
            await page.EvaluateAsync("""
                () => document.querySelector('[data-testid=preview]').addEventListener('playing', () =>
                    window.__playedWhile = document.querySelector('[data-testid=progress]').dataset.status, { once: true })
                """);

            await page.GetByTestId("generate").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"));
            // At least one segment appended (several may land between two polls: the count is not watched exactly).
            await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=preview]').dataset.appended) >= 1",
                null, new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            await page.WaitForFunctionAsync("() => window.__playedWhile !== undefined", null,
                new() { Timeout = 30_000 });
            Assert.Equal("running", await page.EvaluateAsync<string>("() => window.__playedWhile"));
            await page.ScreenshotAsync("ui-generating.png");

            await Expect(page.GetByTestId("download")).ToBeVisibleAsync(new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
            string file = Path.Combine(Path.GetTempPath(), $"la-download-{Guid.NewGuid():N}.mp4");
            await download.SaveAsAsync(file);
            try
            {
                Assert.EndsWith(".mp4", download.SuggestedFilename);
                string streams = await MediaTools.StreamTypesAsync(file);
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

            // Each page sees the other's job but may not cancel it (a job belongs to the browser that submitted it).
            await Expect(first.Locator("[data-testid=queue-item]:not(.la-watched) [data-testid=queue-cancel]")).ToHaveCountAsync(0);
            // The queued job is cancelled from its own page's queue panel; the other page sees the queue shrink.
            await second.Locator("[data-testid=queue-item].la-watched [data-testid=queue-cancel]").ClickAsync();
            await Expect(second.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "cancelled");
            await Expect(first.GetByTestId("queue")).ToHaveAttributeAsync("data-count", "1");
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

    [GeneratorFact]
    public async Task Generate_pressed_right_after_choosing_the_files_waits_for_the_uploads_and_starts()
    {
        var page = await OpenAsync();
        try
        {
            await page.GetByTestId("preset-quick").ClickAsync();
            await page.TypeNumberAsync("num-clip-input", 1);
            // No waiting for the previews: a quick person clicks Generate at once.
            await page.ChooseFileAsync("image-upload", await PageActions.SmallPortraitAsync(64));
            await page.ChooseFileAsync("audio-upload", Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
            await page.GetByTestId("generate").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"), new() { Timeout = 60_000 });
            await Expect(page.GetByTestId("submit-errors")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("progress")).Not.ToHaveAttributeAsync("data-status", "idle");
            await Expect(page.GetByTestId("history-item").First).ToHaveAttributeAsync("data-status", "completed",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratorFact]
    public async Task A_reloaded_page_picks_up_the_running_job_from_its_address()
    {
        var page = await OpenAsync();
        try
        {
            await StartLongJobAsync(page);
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "running",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            string url = page.Url;
            string id = url[(url.LastIndexOf('=') + 1)..];

            // A new connection (what a reconnect after a network drop or a reload does) finds the job again.
            await page.ReloadAsync();

            await Expect(page).ToHaveURLAsync(url);
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", new Regex("running|completed"));
            await Expect(page.GetByTestId("preview")).ToHaveAttributeAsync("data-job", id, new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            await Expect(page.GetByTestId("preview")).ToHaveAttributeAsync("data-appended", new Regex("[1-9]"),
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            await Expect(page.GetByTestId("cancel")).ToBeEnabledAsync();
            await page.GetByTestId("cancel").ClickAsync();
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "cancelled",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        }
        finally
        {
            await page.Context.CloseAsync();
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
        await page.ChooseFileAsync("image-upload", await PageActions.SmallPortraitAsync(128));
        await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
        await page.ChooseFileAsync("audio-upload", Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
        await Expect(page.GetByTestId("audio-duration")).ToBeVisibleAsync();
        await page.GetByTestId("preset-quick").ClickAsync();
        await page.SetSliderAsync("infer-frames", 12); // more, shorter clips: the job stays busy long enough
        await Expect(page.GetByTestId("infer-frames-value")).ToHaveTextAsync("12");
        await page.GetByTestId("generate").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"));
    }
}
