using Bunit;
using LiveAvatar.Web.Components.Pages;
namespace LiveAvatar.Web.Tests.Components;
public class ZzExploreTests : PageContext
{
    [Fact]
    public async Task Dump()
    {
        var cut = Bunit.Render<Home>();
        await Task.Delay(300);
        File.WriteAllText("/tmp/home-markup.html", cut.Markup);
    }
}
