using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Hardening;

public class QueueBoundsTests
{
    [Fact]
    public async Task One_client_cannot_queue_more_than_its_share()
    {
        using var data = new TestData(new FakeVideoGenerator(), queueLimits: new QueueLimits(20, 2, 0));
        data.Queue.Submit(await data.ParametersAsync(), data.Client);
        data.Queue.Submit(await data.ParametersAsync(), data.Client);

        var e = Assert.Throws<JobRejectedException>(() => data.Queue.Submit(data.ParametersAsync().Result, data.Client));

        Assert.Equal(RejectionReason.QueueFull, e.Reason);
        Assert.Contains("You already have 2 jobs waiting or running", e.Message);
        data.Queue.Submit(await data.ParametersAsync(), data.Other); // another client still may
    }

    [Fact]
    public async Task The_whole_queue_is_bounded_and_parallel_submissions_cannot_overshoot_it()
    {
        using var data = new TestData(new FakeVideoGenerator(), queueLimits: new QueueLimits(5, 100, 0));
        var parameters = await data.ParametersAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
        {
            try { data.Queue.Submit(parameters, ClientIdentity.NewAnonymous()); return true; }
            catch (JobRejectedException e) when (e.Reason == RejectionReason.QueueFull) { return false; }
        })));

        Assert.Equal(5, outcomes.Count(ok => ok));
        Assert.Equal(5, data.Queue.Active.Count);
    }

    [Fact]
    public async Task Another_client_can_neither_cancel_nor_delete_a_job_but_an_admin_can()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var queued = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        Assert.Equal(JobAction.Forbidden, data.Queue.Cancel(queued.Id, data.Other));
        Assert.Equal(JobStatus.Queued, data.History.Find(queued.Id)!.Status);
        Assert.Equal(JobAction.Done, data.Queue.Cancel(queued.Id, new ClientIdentity(data.Other.Id, IsAdmin: true)));

        Assert.Equal(JobAction.Forbidden, data.Queue.Delete(queued.Id, data.Other));
        Assert.Equal(JobAction.Done, data.Queue.Delete(queued.Id, data.Client));
        Assert.Equal(JobAction.NotFound, data.Queue.Delete(queued.Id, data.Client));
    }

    [Fact]
    public async Task Deleting_a_run_deletes_its_uploads_unless_another_run_uses_them()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var parameters = await data.ParametersAsync();
        var first = data.Queue.Submit(parameters, data.Client);
        var second = data.Queue.Submit(parameters, data.Client);
        await data.Queue.RunNextAsync();
        await data.Queue.RunNextAsync();

        Assert.Equal(JobAction.Done, data.Queue.Delete(first.Id, data.Client));
        Assert.NotNull(data.Uploads.Find(parameters.ImageId)); // the second run still uses them

        Assert.Equal(JobAction.Done, data.Queue.Delete(second.Id, data.Client));
        Assert.Null(data.Uploads.Find(parameters.ImageId));
        Assert.Empty(Directory.GetFiles(data.Folders.Uploads));
    }

    [Fact]
    public async Task A_prompt_over_the_limit_is_refused_with_a_message_and_controls_are_stripped_from_a_kept_one()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var parameters = await data.ParametersAsync();

        var e = Assert.Throws<JobRejectedException>(() =>
            data.Queue.Submit(parameters with { Prompt = new string('a', GenerationLimits.MaxPromptLength + 1) }, data.Client));
        var job = data.Queue.Submit(parameters with { Prompt = "hello\u202E world\u0000" }, data.Client);

        Assert.Contains("at most 2,000", Assert.Single(e.Problems, p => p.Field == GenerationField.Prompt).Message);
        Assert.Equal("hello world", job.Record.Parameters.Prompt);
    }

    [Fact]
    public async Task A_clip_count_beyond_the_forms_limit_is_refused_under_its_field()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var parameters = await data.ParametersAsync() with { NumClip = 100_001, SampleSteps = 9 };

        var e = Assert.Throws<JobRejectedException>(() => data.Queue.Submit(parameters, data.Client));

        Assert.Contains(GenerationField.NumClip, e.Problems.Select(p => p.Field));
        Assert.Contains(GenerationField.SampleSteps, e.Problems.Select(p => p.Field));
    }
}
