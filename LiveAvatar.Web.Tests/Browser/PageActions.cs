using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>What a person does on the page, in Playwright terms, shared by the browser tests.</summary>
internal static class PageActions
{
    /// <summary>Chooses a file in a drop zone (the test id sits on the zone, which holds the file input), once the
    /// page is interactive: a file chosen in the prerendered markup is lost (under load that window is seconds).</summary>
    public static async Task ChooseFileAsync(this IPage page, string zoneTestId, string path)
    {
        await WaitInteractiveAsync(page);
        await page.GetByTestId(zoneTestId).Locator("input[type=file]").SetInputFilesAsync(path);
    }

    public static async Task ChooseFileAsync(this IPage page, string zoneTestId, FilePayload file)
    {
        await WaitInteractiveAsync(page);
        await page.GetByTestId(zoneTestId).Locator("input[type=file]").SetInputFilesAsync(file);
    }

    private static async Task WaitInteractiveAsync(IPage page)
    {
        if (await page.GetByTestId("home").CountAsync() == 0) return; // another page with its own readiness
        await page.Locator("[data-testid=home][data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
    }

    /// <summary>Moves a slider to <paramref name="value"/> as dragging does (the browser snaps it to the slider's step).</summary>
    public static Task SetSliderAsync(this IPage page, string testId, double value) =>
        page.GetByTestId(testId).EvaluateAsync("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }",
            value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Types into a number box and leaves it, which commits the value.</summary>
    public static async Task TypeNumberAsync(this IPage page, string testId, long value)
    {
        await page.GetByTestId(testId).FillAsync(value.ToString(CultureInfo.InvariantCulture));
        await page.GetByTestId(testId).BlurAsync();
    }

    public static async Task ScreenshotAsync(this IPage page, string name, bool fullPage = true)
    {
        await page.Mouse.MoveAsync(0, 0);
        // From the top, so the fixed app bar and the sticky output column sit where a person sees them.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        Directory.CreateDirectory(RepoPaths.Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(RepoPaths.Screenshots, name), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled,
        });
    }

    /// <summary>The example portrait scaled down to size×size (made once per size with ffmpeg).</summary>
    public static async Task<string> SmallPortraitAsync(int size)
    {
        var path = Path.Combine(Path.GetTempPath(), $"la-portrait-{size}.png");
        if (File.Exists(path)) return path;
        var start = new ProcessStartInfo("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", Path.Combine(RepoPaths.Examples, "portrait-anna.png"),
            "-vf", $"scale={size}:{size}", path]) { RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg could not scale the portrait: " + error);
        return path;
    }
}
