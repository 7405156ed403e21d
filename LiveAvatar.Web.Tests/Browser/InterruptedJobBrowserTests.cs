using LiveAvatar.Engine.Media;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A data folder as a server killed mid-job leaves it: a running job with two finished clips on disk
/// (real fMP4 segments). The server must mark it interrupted and the page must still play those clips.</summary>
public sealed class InterruptedJobFixture : BrowserFixture
{
    public string JobId { get; } = DataFolders.NewId();

    protected override async Task PrepareAsync()
    {
        var folders = new DataFolders(DataDirectory);
        var uploads = new UploadStore(folders, UploadLimits.Default);
        StoredUpload image, audio;
        await using (var s = File.OpenRead(Path.Combine(RepoPaths.Examples, "portrait-anna.png")))
            image = await uploads.SaveAsync(UploadKind.Image, s, "portrait-anna.png");
        await using (var s = File.OpenRead(Path.Combine(RepoPaths.Examples, "speech-hello.wav")))
            audio = await uploads.SaveAsync(UploadKind.Audio, s, "speech-hello.wav");

        const int width = 128, height = 96, frames = 24;
        Directory.CreateDirectory(folders.JobDirectory(JobId));
        // The segments a real job leaves: one encoder, a segment per clip, two clips done when the server died.
        var scratch = Path.Combine(folders.JobDirectory(JobId), "encoder-output.mp4");
        await using var encoder = await FragmentedVideoEncoder.StartAsync(scratch,
            new VideoEncoderSettings(width, height, uploads.PathOf(audio), new SegmentPlan(frames, frames), Preset: "veryfast"));
        var segments = new List<VideoSegment>();
        for (int clip = 0; clip < 2; clip++)
        {
            var rgb = Enumerable.Range(0, frames)
                .Select(f => Enumerable.Repeat((byte)(40 + clip * 100 + f * 4), width * height * 3).ToArray())
                .ToList();
            segments.AddRange(await encoder.WriteBatchAsync(rgb));
        }
        segments.AddRange(await encoder.CompleteAsync());
        File.Delete(scratch);
        await File.WriteAllBytesAsync(folders.InitSegmentPath(JobId), encoder.InitSegment!);
        foreach (var segment in segments) await File.WriteAllBytesAsync(folders.SegmentPath(JobId, segment.Number), segment.Bytes);
        new HistoryStore(folders, TimeProvider.System).Save(new JobRecord
        {
            Id = JobId,
            Parameters = new JobParameters { Prompt = "seeded", ImageId = image.Id, AudioId = audio.Id, NumClip = 3, InferFrames = frames },
            Image = image,
            Audio = audio,
            Status = JobStatus.Running,
            SubmittedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            Width = width, Height = height, Clips = 3, TotalFrames = 3 * frames - 3, Fps = 25,
            MimeType = encoder.MimeType,
            Segments = 2,
            PreviewFrames = 2 * frames - 3,
            Log = ["seeded by the test as a server killed mid-job would leave it"],
        });
    }
}

[Collection(BrowserCollection.Name)]
public class InterruptedJobBrowserTests(InterruptedJobFixture fixture) : IClassFixture<InterruptedJobFixture>
{
    [Fact]
    public async Task A_job_cut_short_by_a_restart_is_marked_interrupted_and_its_clips_still_play()
    {
        var page = await fixture.OpenPageAsync($"/?job={fixture.JobId}");
        try
        {
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-status", "interrupted");
            await Expect(page.GetByTestId("progress-headline")).ToContainTextAsync("s of video kept");
            var preview = page.GetByTestId("preview");
            await Expect(preview).ToHaveAttributeAsync("data-appended", "2");
            await Expect(preview).ToHaveAttributeAsync("data-state", "ended-stream");
            await page.WaitForFunctionAsync(
                "() => { const v = document.querySelector('[data-testid=preview]'); return v.currentTime > 0.2 && v.duration > 1.8; }");
            await Expect(page.GetByTestId("history-item").First).ToHaveAttributeAsync("data-status", "interrupted");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
            string file = Path.Combine(Path.GetTempPath(), $"la-partial-{Guid.NewGuid():N}.mp4");
            await download.SaveAsAsync(file);
            try
            {
                Assert.Equal(48, await MediaTools.CountVideoFramesAsync(file));
            }
            finally
            {
                File.Delete(file);
            }
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server log ---\n{fixture.Server.Log}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Segments_announced_while_the_init_segment_is_still_loading_are_appended_after_it()
    {
        // Hold init.mp4 back and announce the segments again meanwhile, as a re-render does when the job's state
        // changes: a media segment must never overtake the init segment (the browser then closes the MediaSource).
        var initRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var page = await fixture.OpenPageAsync($"/?job={fixture.JobId}", beforeNavigation: p => p.RouteAsync("**/init.mp4", async route =>
        {
            initRequested.TrySetResult();
            await Task.Delay(1500);
            await route.ContinueAsync();
        }));
        try
        {
            await initRequested.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await page.EvaluateAsync(@"async () => {
                const player = await import('/assets/preview.js');
                player.update(document.querySelector('[data-testid=preview]'), 2, true);
            }");
            var preview = page.GetByTestId("preview");
            await Expect(preview).ToHaveAttributeAsync("data-appended", "2");
            await Expect(preview).ToHaveAttributeAsync("data-state", "ended-stream");
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server log ---\n{fixture.Server.Log}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
