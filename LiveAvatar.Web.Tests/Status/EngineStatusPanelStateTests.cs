using LiveAvatar.Web.Components.Status;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Status;

public class EngineStatusPanelStateTests
{
    [Fact]
    public async Task Refreshing_reads_the_provider_again_and_stamps_the_time()
    {
        var provider = new FakeEngineStatusProvider(SampleStatus.NativeMissing());
        var time = new FixedTimeProvider(SampleStatus.CheckedAt);
        var state = new EngineStatusPanelState(provider, time);
        await state.RefreshAsync();

        provider.Status = SampleStatus.LoadedWithGpu();
        time.Now = SampleStatus.CheckedAt.AddSeconds(5);
        await state.RefreshAsync();

        Assert.Equal(2, provider.Reads);
        Assert.Equal(2, state.CheckCount);
        Assert.True(state.View!.NativeLoaded);
        Assert.Equal("13:14:20", state.View.CheckedAt);
        Assert.False(state.IsChecking);
    }

    [Fact]
    public async Task A_throwing_provider_becomes_an_error_message_and_keeps_the_last_view()
    {
        var provider = new FakeEngineStatusProvider(SampleStatus.LoadedWithGpu());
        var state = new EngineStatusPanelState(provider, new FixedTimeProvider(SampleStatus.CheckedAt));
        await state.RefreshAsync();

        provider.Failure = new InvalidOperationException("driver went away");
        await state.RefreshAsync();

        Assert.Equal("Reading the engine status failed: driver went away", state.Error);
        Assert.NotNull(state.View);
        Assert.Equal(2, state.CheckCount);
    }

    [Fact]
    public async Task A_successful_refresh_clears_an_earlier_error()
    {
        var provider = new FakeEngineStatusProvider(SampleStatus.LoadedWithGpu()) { Failure = new Exception("x") };
        var state = new EngineStatusPanelState(provider, new FixedTimeProvider(SampleStatus.CheckedAt));
        await state.RefreshAsync();

        provider.Failure = null;
        await state.RefreshAsync();

        Assert.Null(state.Error);
    }
}
