using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class StatusPageBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_status_panel_shows_engine_facts_and_refreshes_on_click()
    {
        var page = await fixture.OpenPageAsync();
        try
        {
            var panel = page.GetByTestId("status");
            await Expect(panel).ToBeVisibleAsync();
            await Expect(page).ToHaveTitleAsync("LiveAvatar");
            await Expect(panel).ToContainTextAsync(new Regex("libtorch|engine status provider not wired yet"));
            await Expect(panel).ToHaveAttributeAsync("data-check-count", "1");

            await page.GetByTestId("status-refresh").ClickAsync();

            await Expect(panel).ToHaveAttributeAsync("data-check-count", "2");
            await Expect(page.GetByTestId("status-checked-at")).ToContainTextAsync("(check #2)");

            // Park the pointer so the button's hover and click ripple stay out of the picture.
            await page.Mouse.MoveAsync(0, 0);
            Directory.CreateDirectory(RepoPaths.Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(RepoPaths.Screenshots, "status.png"),
                FullPage = true,
                Animations = ScreenshotAnimations.Disabled,
            });
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server log ---\n{fixture.Server.Log}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
