using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveAvatar.Web.Tests.Hardening;

public class StorageTests
{
    [Fact]
    public async Task The_start_up_sweep_removes_crash_leftovers_and_unreferenced_uploads_only()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var kept = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();
        var (strayImage, _) = await data.UploadExampleAsync();
        string jobDir = data.Folders.JobDirectory(kept.Id);
        string[] leftovers =
        [
            Path.Combine(jobDir, ".output.1234.partial.mp4"), Path.Combine(jobDir, "job.json.abcd.tmp"),
            Path.Combine(data.Folders.Uploads, DataFolders.NewId() + ".part"),
        ];
        foreach (string f in leftovers) File.WriteAllText(f, "x");

        data.Restart();
        var report = new DataSweeper(data.Folders, data.History, NullLogger<DataSweeper>.Instance).Sweep();

        Assert.All(leftovers, f => Assert.False(File.Exists(f)));
        Assert.Null(data.Uploads.Find(strayImage.Id));
        Assert.NotNull(data.Uploads.Find(kept.Record.Image.Id));
        Assert.True(File.Exists(data.Folders.SegmentPath(kept.Id, 1)));
        Assert.Equal(3, report.Leftovers);
        Assert.Equal(2, report.Uploads); // the stray image and its audio
    }

    [Fact]
    public async Task The_start_up_sweep_removes_a_segment_that_its_runs_record_never_counted()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var run = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();
        int counted = data.History.Find(run.Id)!.Segments;
        // What a kill between writing the next block's segment and saving the record leaves.
        string uncounted = data.Folders.SegmentPath(run.Id, counted + 1);
        File.WriteAllText(uncounted, "a block the record never named");

        data.Restart();
        var report = new DataSweeper(data.Folders, data.History, NullLogger<DataSweeper>.Instance).Sweep();

        Assert.False(File.Exists(uncounted));
        Assert.All(Enumerable.Range(1, counted), n => Assert.True(File.Exists(data.Folders.SegmentPath(run.Id, n))));
        Assert.Equal(1, report.Leftovers);
    }

    [Fact]
    public async Task A_truncated_upload_record_reads_as_missing_instead_of_failing()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var (image, _) = await data.UploadExampleAsync();
        string record = Path.Combine(data.Folders.Uploads, image.Id + ".json");
        File.WriteAllText(record, File.ReadAllText(record)[..20]);

        Assert.Null(data.Uploads.Find(image.Id));
        var e = Assert.Throws<JobRejectedException>(() =>
            data.Queue.Submit(new JobParameters { Prompt = "p", ImageId = image.Id, AudioId = image.Id }, data.Client));
        Assert.Contains(GenerationField.Image, e.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task A_corrupt_or_foreign_job_record_is_skipped_and_the_other_runs_load()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var good = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();
        string torn = Path.Combine(data.Folders.Jobs, DataFolders.NewId());
        Directory.CreateDirectory(torn);
        File.WriteAllText(Path.Combine(torn, "job.json"), "{\"Id\": \"");
        string empty = Path.Combine(data.Folders.Jobs, DataFolders.NewId());
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "job.json"), "{}");

        data.Restart();

        Assert.Equal([good.Id], data.History.All.Select(r => r.Id));
    }

    [Fact]
    public async Task Records_and_segments_are_written_without_leaving_temporaries()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();

        Assert.Empty(Directory.GetFiles(data.Root, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(FakeVideoGenerator.SegmentBytes(0), File.ReadAllBytes(data.Folders.SegmentPath(job.Id, 1)));
    }

    [Fact]
    public async Task Two_hundred_concurrent_record_writes_always_leave_valid_json()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        string file = Path.Combine(data.Folders.JobDirectory(job.Id), "job.json");
        var readers = Task.Run(() =>
        {
            for (int i = 0; i < 400; i++) System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).Dispose();
        });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            data.History.Save(job.Record with { Log = [$"line {i}"] }))).Append(readers));
    }
}
