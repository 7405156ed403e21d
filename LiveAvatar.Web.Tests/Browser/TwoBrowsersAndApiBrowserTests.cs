using System.Net;
using System.Text.RegularExpressions;
using LiveAvatar.Web.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A server of its own, so the queue and history hold only this test's jobs.</summary>
public sealed class TwoBrowsersAndApiFixture : BrowserFixture;

/// <summary>Issue 16, "two browsers and the HTTP API at once, with one job running and others queued", on the
/// published server and the demo checkpoint: three clients (two browser contexts, one script with its own client
/// cookie) share one queue, each sees and may cancel only its own jobs, and every job ends in the history.</summary>
[Collection(BrowserCollection.Name)]
public class TwoBrowsersAndApiBrowserTests(TwoBrowsersAndApiFixture fixture) : IClassFixture<TwoBrowsersAndApiFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(8);

    [GeneratorFact]
    public async Task Two_pages_and_a_script_share_one_queue_and_each_controls_only_its_own_jobs()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        // A script keeps its cookie like a browser does (HttpClient's cookie container): that is its client id.
        using var api = new HttpClient { BaseAddress = fixture.Server.BaseUrl };
        var apiFields = new Dictionary<string, string>
        {
            ["size"] = "384*256", ["num_clip"] = "1", ["sample_steps"] = "1", ["infer_frames"] = "12", ["seed"] = "1",
        };
        string portrait = await PageActions.SmallPortraitAsync(64);
        try
        {
            // The running job is the longest (ten 12-frame clips at 4 steps, 128 px) so the others are still
            // waiting while the checks below run; the demo checkpoint makes a 64 px block in about a second.
            string firstJob = await StartJobAsync(first, clips: 10, steps: 4, portraitSize: 128);
            await Expect(first.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "running",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });
            string secondJob = await StartJobAsync(second, clips: 1, steps: 3, portraitSize: 64);
            string apiJob = await api.CreateJobAsync(apiFields, portrait);
            var apiEvents = SseReader.ReadUntilFinalAsync(api, $"/api/v1/jobs/{apiJob}/events", timeout: JobTimeout);

            // One runs, two wait; both pages see all three.
            await Expect(first.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "running");
            await Expect(second.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "queued");
            foreach (var (page, own) in new[] { (first, firstJob), (second, secondJob) })
            {
                await Expect(page.GetByTestId("queue")).ToHaveAttributeAsync("data-count", "3");
                // Each page watches its own job, and offers a cancel button only on it.
                await Expect(page.Locator("[data-testid=queue-item].la-watched")).ToHaveAttributeAsync("data-job", own);
                await Expect(page.Locator("[data-testid=queue-item]:not(.la-watched) [data-testid=queue-cancel]")).ToHaveCountAsync(0);
                await Expect(page.Locator($"[data-testid=queue-item][data-job='{apiJob}']")).ToHaveCountAsync(1);
            }
            var listed = await (await api.GetAsync("/api/v1/jobs")).JsonAsync();
            Assert.Equal(3, listed.EnumerateArray().Count(j => j.GetProperty("status").GetString() is "queued" or "running"));

            // The script may not cancel a page's job, running or queued.
            using (var denied = await api.DeleteAsync($"/api/v1/jobs/{firstJob}"))
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            using (var denied = await api.DeleteAsync($"/api/v1/jobs/{secondJob}"))
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

            // Cancelling your own queued job works from a page...
            await second.Locator("[data-testid=queue-item].la-watched [data-testid=queue-cancel]").ClickAsync();
            await Expect(second.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "cancelled");
            await Expect(first.GetByTestId("queue")).ToHaveAttributeAsync("data-count", "2");
            // ...and from the script.
            string apiQueued = await api.CreateJobAsync(apiFields, portrait);
            await Expect(first.GetByTestId("queue")).ToHaveAttributeAsync("data-count", "3");
            using (var cancelled = await api.DeleteAsync($"/api/v1/jobs/{apiQueued}"))
            {
                Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
                Assert.Equal("cancelled", (await cancelled.JsonAsync()).GetProperty("status").GetString());
            }
            await Expect(first.GetByTestId("queue")).ToHaveAttributeAsync("data-count", "2");

            // The script's job goes through its whole story; the first page's job finishes too.
            var events = await apiEvents;
            var story = events.Where(e => e.Id is not null).Select(e => e.Type).ToList();
            Assert.True(story.First() == "queued" && story.Contains("started") && story.Last() == "finished",
                string.Join(", ", story) + "\n" + fixture.Server.Log);
            Assert.True(story.IndexOf("queued") < story.IndexOf("started"), string.Join(", ", story));
            await Expect(first.Locator($"[data-testid=history-item][data-job='{firstJob}']")).ToHaveAttributeAsync("data-status", "completed",
                new() { Timeout = (float)JobTimeout.TotalMilliseconds });

            // Every job ends in the server's history, on the API and on both pages.
            var expected = new Dictionary<string, string>
            {
                [firstJob] = "completed", [secondJob] = "cancelled", [apiJob] = "completed", [apiQueued] = "cancelled",
            };
            var history = (await (await api.GetAsync("/api/v1/jobs")).JsonAsync()).EnumerateArray()
                .ToDictionary(j => j.GetProperty("id").GetString()!, j => j.GetProperty("status").GetString()!);
            Assert.Equal(expected, history);
            foreach (var page in new[] { first, second })
            {
                foreach (var (id, status) in expected)
                    await Expect(page.Locator($"[data-testid=history-item][data-job='{id}']")).ToHaveAttributeAsync("data-status", status);
            }
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server log ---\n{fixture.Server.Log}");
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

    /// <summary>A small job (small portrait, quick preset, 12-frame clips) submitted from the page; its id.</summary>
    private static async Task<string> StartJobAsync(IPage page, int clips, int steps, int portraitSize)
    {
        await page.ChooseFileAsync("image-upload", await PageActions.SmallPortraitAsync(portraitSize));
        await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
        await page.ChooseFileAsync("audio-upload", Path.Combine(RepoPaths.Examples, "speech-hello.wav"));
        await Expect(page.GetByTestId("audio-duration")).ToBeVisibleAsync();
        await page.GetByTestId("preset-quick").ClickAsync();
        await page.SetSliderAsync("infer-frames", 12);
        await Expect(page.GetByTestId("infer-frames-value")).ToHaveTextAsync("12");
        await page.TypeNumberAsync("num-clip-input", clips);
        await page.SetSliderAsync("sample-steps", steps);
        await Expect(page.GetByTestId("sample-steps-value")).ToHaveTextAsync(steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("generate").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?job=[0-9a-f]{32}$"), new() { Timeout = 60_000 });
        return page.Url[(page.Url.LastIndexOf('=') + 1)..];
    }
}
