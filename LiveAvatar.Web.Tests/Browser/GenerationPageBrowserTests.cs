using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>The generation page in a real browser, for everything that needs no generation (these always run).</summary>
[Collection(BrowserCollection.Name)]
public class GenerationPageBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_page_has_every_control_and_says_when_no_generator_is_wired()
    {
        await WithPageAsync(async page =>
        {
            foreach (string id in Components.HomePageTests.PageTestIds)
                await Expect(page.GetByTestId(id).First).ToBeAttachedAsync();
            using var http = new HttpClient { BaseAddress = fixture.Server.BaseUrl };
            bool hasGenerator = (await http.GetStringAsync("/api/info")).Contains("\"generator\":true");
            if (!hasGenerator)
            {
                await Expect(page.GetByTestId("generator-missing")).ToContainTextAsync("Generator not available");
                await Expect(page.GetByTestId("generate")).ToBeDisabledAsync();
            }
            await Expect(page.GetByTestId("vae-parallel")).ToBeDisabledAsync();
            await Expect(page.GetByTestId("vae-parallel-reason")).ToContainTextAsync("Needs 2 or more GPUs");
            var errors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
            await page.ReloadAsync();
            await Expect(page.GetByTestId("generate")).ToBeVisibleAsync();
            Assert.Empty(errors);
        });
    }

    [Fact]
    public async Task A_text_file_named_like_a_picture_is_refused_by_the_server()
    {
        await WithPageAsync(async page =>
        {
            await page.ChooseFileAsync("image-upload", new FilePayload
            {
                Name = "photo.png", MimeType = "image/png", Buffer = Encoding.UTF8.GetBytes("not a picture at all\n"),
            });

            await Expect(page.GetByTestId("image-upload-error")).ToContainTextAsync("The uploaded file is not a media file");
            await Expect(page.GetByTestId("image-preview")).ToHaveCountAsync(0);
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("not a media file");
        });
    }

    [Fact]
    public async Task Uploaded_files_show_a_preview_the_output_size_the_audio_length_and_its_waveform()
    {
        await WithPageAsync(async page =>
        {
            await page.ChooseFileAsync("image-upload", Path.Combine(RepoPaths.Examples, "portrait-ben.png"));
            await Expect(page.GetByTestId("image-info")).ToHaveTextAsync("portrait-ben.png · 512×704");
            await Expect(page.GetByTestId("size-output")).ToHaveTextAsync(new Regex(@"^output \d+×\d+ for this 512×704 image$"));

            await page.ChooseFileAsync("audio-upload", Path.Combine(RepoPaths.Examples, "speech-weather.wav"));
            await Expect(page.GetByTestId("audio-duration")).ToHaveTextAsync(new Regex(@"^speech-weather\.wav · \d\.\d s$"));
            await Expect(page.GetByTestId("num-clip-info")).ToContainTextAsync("allows at most");
            await Expect(page.GetByTestId("audio-waveform")).ToHaveAttributeAsync("data-bars", "240");
            bool audible = await page.GetByTestId("audio-player").EvaluateAsync<bool>(
                "a => new Promise(r => a.readyState >= 1 ? r(a.duration > 1) : a.addEventListener('loadedmetadata', () => r(a.duration > 1)))");
            Assert.True(audible, "the audio player could not read the uploaded audio");
        });
    }

    [Fact]
    public async Task Presets_sliders_and_the_dice_fill_the_form()
    {
        await WithPageAsync(async page =>
        {
            await page.GetByTestId("preset-quick").ClickAsync();
            await Expect(page.GetByTestId("size")).ToHaveAttributeAsync("data-value", "384*256");
            await Expect(page.GetByTestId("num-clip")).ToHaveValueAsync("10");
            await Expect(page.GetByTestId("sample-steps")).ToHaveValueAsync("3");

            await page.GetByTestId("preset-long").ClickAsync();
            await Expect(page.GetByTestId("online-decode")).ToBeCheckedAsync();
            await Expect(page.GetByTestId("num-clip-input")).ToHaveValueAsync("1000");

            // A slider snaps to whole 12-frame blocks: 40 becomes 36.
            await page.SetSliderAsync("infer-frames", 40);
            await Expect(page.GetByTestId("infer-frames-value")).ToHaveTextAsync("36");

            await page.SetSliderAsync("guide-scale", 3);
            await Expect(page.GetByTestId("guide-scale-cost")).ToContainTextAsync("twice per step");

            await page.GetByTestId("size").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "720*400" }).ClickAsync();
            await Expect(page.GetByTestId("size")).ToHaveAttributeAsync("data-value", "720*400");

            string before = await page.GetByTestId("seed").InputValueAsync();
            await page.GetByTestId("seed-randomize").ClickAsync();
            await Expect(page.GetByTestId("seed")).Not.ToHaveValueAsync(before);
        });
    }

    [Fact]
    public async Task An_example_fills_image_audio_and_prompt()
    {
        await WithPageAsync(async page =>
        {
            await page.GetByTestId("example-anna").ClickAsync();

            await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("image-info")).ToContainTextAsync("portrait-anna.png");
            await Expect(page.GetByTestId("audio-duration")).ToContainTextAsync("speech-hello.wav");
            await Expect(page.GetByTestId("prompt")).ToHaveValueAsync(new Regex("woman with brown hair"));
            await Expect(page.GetByTestId("audio-waveform")).ToHaveAttributeAsync("data-bars", "240");
            await page.ScreenshotAsync("ui-idle.png");
        });
    }

    [Fact]
    public async Task The_dark_theme_follows_the_browser()
    {
        var page = await fixture.OpenPageAsync(dark: true);
        try
        {
            await Expect(page.Locator(".la-main[data-theme=dark]")).ToBeAttachedAsync();
            await page.GetByTestId("example-ben").ClickAsync();
            await Expect(page.GetByTestId("audio-waveform")).ToHaveAttributeAsync("data-bars", "240");
            string background = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.la-main')).backgroundColor");
            Assert.Equal("rgb(17, 19, 26)", background);
            await page.ScreenshotAsync("ui-dark.png");

            await page.GetByTestId("theme-toggle").ClickAsync();
            await Expect(page.Locator(".la-main[data-theme=light]")).ToBeAttachedAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task On_a_phone_the_page_fits_the_screen_and_generate_stays_in_reach()
    {
        var page = await fixture.OpenPageAsync(width: 390, height: 844, touch: true);
        try
        {
            await Expect(page.GetByTestId("generate")).ToBeVisibleAsync();
            await page.GetByTestId("example-anna").ClickAsync();
            await Expect(page.GetByTestId("image-preview")).ToBeVisibleAsync();

            int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"the page is {overflow} px wider than the phone screen");
            // The Generate bar is pinned to the bottom while the form scrolls under it.
            await page.GetByTestId("seed").ScrollIntoViewIfNeededAsync();
            var bar = await page.GetByTestId("generate").BoundingBoxAsync();
            Assert.NotNull(bar);
            Assert.InRange(bar!.Y + bar.Height, 0, 844);
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await page.ScreenshotAsync("ui-phone.png", fullPage: false);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task WithPageAsync(Func<IPage, Task> test)
    {
        var page = await fixture.OpenPageAsync();
        try
        {
            await Expect(page.GetByTestId("generate")).ToBeVisibleAsync();
            await test(page);
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
