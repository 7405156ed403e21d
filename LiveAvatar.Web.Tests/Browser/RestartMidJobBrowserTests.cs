using System.Globalization;
using LiveAvatar.Web.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A server and data folder of its own: this class kills the server mid-job and starts another on the folder.</summary>
public sealed class RestartMidJobFixture : BrowserFixture;

/// <summary>Issue 16, "a restart mid-job keeps every finished block playable and every history entry": a real
/// crash (SIGKILL) of the published server while the demo checkpoint renders, then a new server on the same folder.</summary>
[Collection(BrowserCollection.Name)]
public class RestartMidJobBrowserTests(RestartMidJobFixture fixture) : IClassFixture<RestartMidJobFixture>
{
    // The generator streams blocks of 12 frames; the first has 9 (the clip's first 3 frames are motion context).
    private const int FirstBlockFrames = 9, BlockFrames = 12;

    [GeneratorFact]
    public async Task A_server_killed_mid_job_comes_back_with_the_job_interrupted_and_every_finished_block_playable()
    {
        var fields = new Dictionary<string, string>
        {
            ["size"] = "384*256", ["num_clip"] = "8", ["sample_steps"] = "1", ["infer_frames"] = "12", ["seed"] = "1",
        };
        string portrait = await PageActions.SmallPortraitAsync(64);
        using var api = new HttpClient { BaseAddress = fixture.Server.BaseUrl };
        string id = await api.CreateJobAsync(fields, portrait);
        string jobDir = Path.Combine(fixture.DataDirectory, "jobs", id);
        int SegmentsOnDisk() => Directory.Exists(jobDir) ? Directory.GetFiles(jobDir, "seg-*.m4s").Length : 0;

        // Kill as soon as two blocks are on disk: the job is mid-way (8 clips, 8 blocks), nothing shuts down cleanly.
        var deadline = DateTime.UtcNow.AddMinutes(8);
        while (SegmentsOnDisk() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "two blocks never reached the disk:\n" + fixture.Server.Log);
            await Task.Delay(100);
        }
        await fixture.KillServerAsync();
        await fixture.StartServerAgainAsync();
        int kept = SegmentsOnDisk();

        // The history (API) says interrupted and names as many finished blocks as the disk holds.
        var job = await (await api.GetAsync($"/api/v1/jobs/{id}")).JsonAsync();
        Assert.Equal("interrupted", job.GetProperty("status").GetString());
        Assert.InRange(kept, 2, 7);
        Assert.Equal(kept, job.GetProperty("video").GetProperty("segmentsReady").GetInt32());

        // The page: interrupted, in the history, and its preview appends every block on disk and plays them.
        var page = await fixture.OpenPageAsync($"/?job={id}");
        try
        {
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "interrupted");
            var preview = page.GetByTestId("preview");
            await Expect(preview).ToHaveAttributeAsync("data-appended", kept.ToString(CultureInfo.InvariantCulture));
            await Expect(preview).ToHaveAttributeAsync("data-state", "ended-stream");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=preview]').currentTime > 0.1");
            await Expect(page.Locator($"[data-testid=history-item][data-job='{id}']")).ToHaveAttributeAsync("data-status", "interrupted");
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server log ---\n{fixture.Server.Log}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        // The partial video downloads as a valid MP4 holding exactly the kept frames.
        string file = Path.Combine(fixture.DataDirectory, "partial-download.mp4");
        using (var video = await api.GetAsync($"/api/v1/jobs/{id}/video"))
        {
            Assert.True(video.IsSuccessStatusCode, $"partial video: {(int)video.StatusCode}");
            await File.WriteAllBytesAsync(file, await video.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(FirstBlockFrames + (kept - 1) * BlockFrames, await MediaTools.CountVideoFramesAsync(file));

        // The new server runs a new job to the end.
        string next = await api.CreateJobAsync(new Dictionary<string, string>(fields) { ["num_clip"] = "1" }, portrait);
        var events = await SseReader.ReadUntilFinalAsync(api, $"/api/v1/jobs/{next}/events", timeout: TimeSpan.FromMinutes(8));
        Assert.True(events[^1].Type == "finished", string.Join("\n", events.Select(e => $"{e.Type} {e.Data}")) + "\n" + fixture.Server.Log);
    }
}
