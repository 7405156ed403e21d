using System.Text;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Services;

public class UploadStoreTests
{
    [Fact]
    public async Task An_image_is_stored_under_a_server_chosen_name_with_its_size()
    {
        using var data = new TestData();
        await using var file = File.OpenRead(TestData.ExampleImage);

        var upload = await data.Uploads.SaveAsync(UploadKind.Image, file, "../../etc/face.png");

        Assert.True(DataFolders.IsId(upload.Id));
        Assert.Equal(upload.Id + ".png", upload.FileName);
        Assert.Equal("face.png", upload.OriginalName);
        Assert.Equal((512, 704), (upload.Width, upload.Height));
        Assert.Equal(Path.Combine(data.Folders.Uploads, upload.FileName), data.Uploads.PathOf(upload));
        Assert.True(File.Exists(data.Uploads.PathOf(upload)));
        Assert.Equal(upload, data.Uploads.Find(upload.Id));
    }

    [Fact]
    public async Task A_text_file_named_like_an_image_is_refused_by_its_content()
    {
        using var data = new TestData();
        using var text = new MemoryStream(Encoding.UTF8.GetBytes("this is not a picture, whatever its name says\n"));

        var e = await Assert.ThrowsAsync<UploadRejectedException>(() => data.Uploads.SaveAsync(UploadKind.Image, text, "photo.png"));

        Assert.StartsWith("The uploaded file", e.Message);
        Assert.DoesNotContain(data.Root, e.Message);
        Assert.Empty(Directory.GetFiles(data.Folders.Uploads));
    }

    [Fact]
    public async Task Audio_is_stored_with_its_duration_and_the_clips_it_allows()
    {
        using var data = new TestData();
        await using var file = File.OpenRead(TestData.ExampleAudio);

        var upload = await data.Uploads.SaveAsync(UploadKind.Audio, file, "hello.wav");

        Assert.Equal("audio/wav", upload.ContentType);
        Assert.InRange(upload.Duration.TotalSeconds, 3, 10);
        Assert.InRange(upload.ClipsAllowed(48), 2, 6);
        Assert.True(upload.ClipsAllowed(24) > upload.ClipsAllowed(48));
    }

    [Fact]
    public async Task An_image_offered_as_audio_is_refused()
    {
        using var data = new TestData();
        await using var file = File.OpenRead(TestData.ExampleImage);

        var e = await Assert.ThrowsAsync<UploadRejectedException>(() => data.Uploads.SaveAsync(UploadKind.Audio, file, "voice.wav"));

        Assert.Contains("uploaded file", e.Message);
    }

    [Fact]
    public async Task Files_over_the_configured_limit_are_refused_while_copying()
    {
        using var data = new TestData(limits: new UploadLimits(1000, 1000));
        await using var file = File.OpenRead(TestData.ExampleImage);

        var e = await Assert.ThrowsAsync<UploadRejectedException>(() => data.Uploads.SaveAsync(UploadKind.Image, file, "a.png"));

        Assert.Contains("larger than the limit", e.Message);
        Assert.Empty(Directory.GetFiles(data.Folders.Uploads));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../uploads/x.json")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public void Unknown_or_malformed_ids_find_nothing(string? id)
    {
        using var data = new TestData();

        Assert.Null(data.Uploads.Find(id));
    }
}
