using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace LiveAvatar.Web.Tests.Components;

/// <summary>
/// bUnit over the page's real services and a fake <see cref="IVideoGenerator"/>: MudBlazor registered as the app
/// does, JS interop loose (the browser tests cover the JS), and a popover provider rendered first as MainLayout
/// does, so selects and tooltips work. MudBlazor's services dispose asynchronously, hence IAsyncLifetime.
/// </summary>
public abstract class PageContext : IAsyncLifetime
{
    private protected PageContext(FakeVideoGenerator? generator = null, bool withGenerator = true)
    {
        Generator = withGenerator ? generator ?? new FakeVideoGenerator() : null;
        Data = new TestData(Generator);
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        Bunit.Services.AddMudServices();
        Bunit.Services.AddHomePage(Data);
        Popovers = Bunit.Render<MudPopoverProvider>();
    }

    /// <summary>Where open selects and menus render their items.</summary>
    private protected IRenderedComponent<MudPopoverProvider> Popovers { get; }

    protected BunitContext Bunit { get; } = new();
    internal TestData Data { get; }
    internal FakeVideoGenerator? Generator { get; }

    private protected GenerationPageState NewState() =>
        new(Data.Queue, Data.History, Data.Uploads, Data.Examples_, Data.Time, new Random(1), Data.Client);

    /// <summary>A panel over a page state, re-rendered after each of its changes as Home does.</summary>
    private protected IRenderedComponent<PanelHost<T>> Panel<T>(GenerationPageState state) where T : IComponent =>
        Bunit.Render<PanelHost<T>>(p => p.Add(x => x.State, state));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Bunit.DisposeAsync();
        Data.Dispose();
    }
}
