using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Components.Pages;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LiveAvatar.Web.Tests.Markup;

public class HomeMarkupTests
{
    [Fact]
    public async Task The_home_page_shows_the_engine_status_from_the_injected_provider()
    {
        var provider = new FakeEngineStatusProvider(SampleStatus.LoadedWithGpu());

        var markup = await MarkupRenderer.RenderAsync<Home>(services =>
        {
            services.AddSingleton<IEngineStatusProvider>(provider);
            services.AddSingleton<TimeProvider>(new FixedTimeProvider(SampleStatus.CheckedAt));
        });

        Assert.Equal(1, provider.Reads);
        Assert.Contains("Live Avatar", markup.Text);
        Assert.True(markup.Has("status"));
        Assert.Equal(2, markup.Count("status-device"));
    }
}
