using LiveAvatar.Web.Live;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Live;

/// <summary>The live slot and its hold on the job queue.</summary>
public class LiveSessionsTests
{
    [Fact]
    public async Task While_a_live_session_holds_the_device_queued_jobs_wait_and_run_once_it_ends()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var sessions = new LiveSessions(null, data.Queue);
        var lease = sessions.TryEnter();
        Assert.NotNull(lease);
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);

        Assert.False(await data.Queue.RunNextAsync());
        Assert.Equal(1, data.Queue.PositionOf(job.Id));
        Assert.True(data.Queue.IsPausedForLive);

        lease!.Dispose();

        Assert.False(data.Queue.IsPausedForLive);
        Assert.True(await data.Queue.RunNextAsync());
        Assert.Equal(JobStatus.Completed, data.History.Find(job.Id)!.Status);
    }

    [Fact]
    public void One_live_session_at_a_time_and_the_slot_frees_once_whatever_disposes_it()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var sessions = new LiveSessions(null, data.Queue);
        var first = sessions.TryEnter()!;

        Assert.Null(sessions.TryEnter());
        Assert.True(sessions.IsBusy);
        first.Dispose();
        first.Dispose();
        using var second = sessions.TryEnter();
        Assert.NotNull(second);
        Assert.Null(sessions.TryEnter());
    }
}
