using Microsoft.AspNetCore.Components;

namespace LiveAvatar.Web.Tests.TestSupport;

internal sealed class TestNavigationManager : NavigationManager
{
    public TestNavigationManager(string uri = "http://localhost/") => Initialize("http://localhost/", uri);

    protected override void NavigateToCore(string uri, NavigationOptions options) => Uri = ToAbsoluteUri(uri).ToString();
}
