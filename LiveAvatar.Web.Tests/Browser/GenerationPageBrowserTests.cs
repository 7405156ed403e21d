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
                await Expect(page.GetByTestId("status-generator-headline")).ToContainTextAsync("Generator not available");
            }
            await Expect(page.GetByTestId("vae-parallel")).ToBeDisabledAsync();
            await Expect(page.GetByTestId("vae-parallel-reason")).ToContainTextAsync("Needs 2 or more GPUs");
        });
    }

    [Fact]
    public async Task A_text_file_named_like_a_picture_is_refused_by_the_server()
    {
        await WithPageAsync(async page =>
        {
            await page.GetByTestId("image-upload").SetInputFilesAsync(new FilePayload
            {
                Name = "photo.png", MimeType = "image/png", Buffer = Encoding.UTF8.GetBytes("not a picture at all\n"),
            });

            await Expect(page.GetByTestId("image-upload-error")).ToContainTextAsync("The uploaded file is not a media file");
            await Expect(page.GetByTestId("image-preview")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Uploaded_files_show_a_preview_the_output_size_and_the_audio_length()
    {
        await WithPageAsync(async page =>
        {
            await page.GetByTestId("image-upload").SetInputFilesAsync(Path.Combine(RepoPaths.Examples, "portrait-ben.png"));
            await Expect(page.GetByTestId("image-info")).ToHaveTextAsync("portrait-ben.png · 512×704");
            await Expect(page.GetByTestId("size-output")).ToHaveTextAsync(new Regex(@"^output \d+×\d+ for this 512×704 image$"));

            await page.GetByTestId("audio-upload").SetInputFilesAsync(Path.Combine(RepoPaths.Examples, "speech-weather.wav"));
            await Expect(page.GetByTestId("audio-duration")).ToHaveTextAsync(new Regex(@"^speech-weather\.wav · \d\.\d s$"));
            await Expect(page.GetByTestId("num-clip-info")).ToContainTextAsync("allows at most");
            bool audible = await page.GetByTestId("audio-player").EvaluateAsync<bool>(
                "a => new Promise(r => a.readyState >= 1 ? r(a.duration > 1) : a.addEventListener('loadedmetadata', () => r(a.duration > 1)))");
            Assert.True(audible, "the audio player could not read the uploaded audio");
        });
    }

    [Fact]
    public async Task Presets_fill_the_form_and_bad_values_are_explained()
    {
        await WithPageAsync(async page =>
        {
            await page.GetByTestId("preset-quick").ClickAsync();
            await Expect(page.GetByTestId("size")).ToHaveValueAsync("384*256");
            await Expect(page.GetByTestId("num-clip")).ToHaveValueAsync("10");
            await Expect(page.GetByTestId("sample-steps")).ToHaveValueAsync("3");

            await page.GetByTestId("preset-long").ClickAsync();
            await Expect(page.GetByTestId("online-decode")).ToBeCheckedAsync();
            await Expect(page.GetByTestId("num-clip")).ToHaveValueAsync("1000");

            await page.GetByTestId("infer-frames").FillAsync("40");
            await page.GetByTestId("infer-frames").BlurAsync();
            await Expect(page.GetByTestId("infer-frames-error")).ToContainTextAsync("multiple of 12");

            await page.GetByTestId("guide-scale").FillAsync("3");
            await page.GetByTestId("guide-scale").BlurAsync();
            await Expect(page.GetByTestId("guide-scale-cost")).ToContainTextAsync("twice per step");

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

            await page.Mouse.MoveAsync(0, 0);
            // The Radzen body scrolls inside the layout, so a tall viewport is what captures the whole page.
            await page.SetViewportSizeAsync(1280, 2300);
            Directory.CreateDirectory(RepoPaths.Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(RepoPaths.Screenshots, "ui-idle.png"),
                FullPage = true,
                Animations = ScreenshotAnimations.Disabled,
            });
        });
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
