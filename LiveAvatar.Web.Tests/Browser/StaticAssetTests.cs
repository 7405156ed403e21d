using System.Text.RegularExpressions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A wrongly built app serves package assets as empty files and the page silently loses its styling.</summary>
[Collection(BrowserCollection.Name)]
public partial class StaticAssetTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Every_stylesheet_and_script_the_page_links_is_served_with_content()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseUrl };
        string html = await http.GetStringAsync("/");
        var links = AssetLink().Matches(html).Select(m => m.Groups["url"].Value).ToList();

        Assert.Contains(links, url => url.StartsWith("_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(links, url => url.StartsWith("_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal) && url.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains("_framework/blazor.web.js", links);
        foreach (string url in links)
        {
            byte[] body = await http.GetByteArrayAsync(url);
            Assert.True(body.Length > 100, $"{url} came back with {body.Length} bytes");
        }
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]+\\.(?:css|js))\"")]
    private static partial Regex AssetLink();
}
