using LiveAvatar.Web.Components.Live;

namespace LiveAvatar.Web.Tests.Live;

/// <summary>What the Live page shows for each event of docs/live-protocol.md.</summary>
public class LivePageStateTests
{
    private static LivePageState Started()
    {
        var state = new LivePageState();
        state.Starting();
        state.Apply("""{"type":"started","sessionId":"abc","untrained":true}""");
        return state;
    }

    [Fact]
    public void A_started_session_is_live_and_can_be_stopped_but_not_started_again()
    {
        var state = Started();
        Assert.Equal(LivePhase.Live, state.Phase);
        Assert.True(state.CanStop);
        Assert.False(state.CanStart);
        Assert.True(state.Untrained);
        Assert.Equal("abc", state.JobId);
    }

    [Fact]
    public void Blocks_give_the_last_and_the_mean_latency()
    {
        var state = Started();
        state.Apply("""{"type":"block","block":0,"latencyMs":900,"generationMs":300,"queuedAudioSeconds":0.2}""");
        state.Apply("""{"type":"block","block":1,"latencyMs":700,"generationMs":250,"queuedAudioSeconds":0}""");
        Assert.Equal(2, state.Blocks);
        Assert.Equal(700, state.LastLatencyMs);
        Assert.Equal(250, state.LastGenerationMs);
        Assert.Equal(800, state.MeanLatencyMs);
        Assert.Equal("700 ms", LivePageState.Milliseconds(state.LastLatencyMs));
        Assert.Equal("–", LivePageState.Milliseconds(null));
    }

    [Fact]
    public void Behind_and_full_follow_the_server_and_clear_when_it_catches_up()
    {
        var state = Started();
        state.Apply("""{"type":"behind","behind":true,"full":true,"queuedAudioSeconds":20}""");
        Assert.True(state.Behind);
        Assert.True(state.QueueFull);
        Assert.Equal(20, state.QueuedAudioSeconds);
        state.Apply("""{"type":"behind","behind":false,"full":false,"queuedAudioSeconds":0.5}""");
        Assert.False(state.Behind);
        Assert.False(state.QueueFull);
    }

    [Fact]
    public void Stop_offers_the_recording_and_allows_a_new_session()
    {
        var state = Started();
        state.Stopping();
        Assert.Equal(LivePhase.Stopping, state.Phase);
        state.Apply("""{"type":"stopped","recordingUrl":"/api/v1/jobs/abc/video","blocks":3}""");
        Assert.Equal(LivePhase.Stopped, state.Phase);
        Assert.Equal("/api/v1/jobs/abc/video", state.RecordingUrl);
        Assert.True(state.CanStart);
        state.Apply("""{"type":"client-closed","code":1000}""");
        Assert.Equal(LivePhase.Stopped, state.Phase);
    }

    [Theory]
    [InlineData("""{"type":"error","code":"busy","message":"Another live session is running."}""", "Another live session is running.")]
    [InlineData("""{"type":"client-error","code":"microphone","message":"The microphone is not available: denied"}""", "The microphone is not available: denied")]
    [InlineData("""{"type":"client-closed","code":1006,"message":""}""", "The connection closed before the session stopped.")]
    public void Errors_say_what_went_wrong_and_allow_a_new_start(string json, string message)
    {
        var state = Started();
        state.Apply(json);
        Assert.Equal(LivePhase.Failed, state.Phase);
        Assert.True(state.IsError);
        Assert.Equal(message, state.Message);
        Assert.True(state.CanStart);
    }
}
