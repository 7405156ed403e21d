using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Services;
using Microsoft.Extensions.DependencyInjection;

namespace LiveAvatar.Web.Tests.TestSupport;

internal static class PageServices
{
    /// <summary>What the home page injects, over a test data folder.</summary>
    public static void AddHomePage(this IServiceCollection services, TestData data, EngineStatus? status = null)
    {
        services.AddSingleton<IEngineStatusProvider>(new FakeEngineStatusProvider(status ?? SampleStatus.LoadedWithGpu()));
        services.AddSingleton(data.Time);
        services.AddSingleton(data.Folders);
        services.AddSingleton(data.Uploads);
        services.AddSingleton(data.History);
        services.AddSingleton(data.Queue);
        services.AddSingleton(data.Examples_);
        services.AddSingleton(new AudioWaveforms(data.Uploads));
    }
}
