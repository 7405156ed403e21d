using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveAvatar.Web.Tests.TestSupport;

internal static class PageServices
{
    /// <summary>What the home page injects, over a test data folder.</summary>
    public static void AddHomePage(this IServiceCollection services, TestData data, string uri = "http://localhost/")
    {
        services.AddSingleton<IEngineStatusProvider>(new FakeEngineStatusProvider(SampleStatus.LoadedWithGpu()));
        services.AddSingleton(data.Time);
        services.AddSingleton(data.Folders);
        services.AddSingleton(data.Uploads);
        services.AddSingleton(data.History);
        services.AddSingleton(data.Queue);
        services.AddSingleton(data.Examples_);
        services.AddSingleton<NavigationManager>(new TestNavigationManager(uri));
        services.AddSupplyValueFromQueryProvider();
    }
}
