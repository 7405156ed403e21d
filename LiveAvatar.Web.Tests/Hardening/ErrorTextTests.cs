using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Hardening;

public class ErrorTextTests
{
    [Fact]
    public void Ffmpeg_memory_addresses_are_removed()
    {
        string text = ErrorText.ForClient("[mp3 @ 0x55d0c3a1b2c0] Header missing | [aist#0:0/mp3 @ 0x7ffd12345678] Error 0xdeadbeefcafe");

        Assert.DoesNotContain("0x", text);
        Assert.Contains("[mp3] Header missing", text);
    }

    [Fact]
    public void Absolute_server_paths_shrink_to_their_file_name()
    {
        using var data = new TestSupport.TestData();
        string message = $"could not open '{Path.Combine(data.Folders.Jobs, "abc", "output.mp4")}' or /home/me/ckpt/LiveAvatar/x.safetensors";

        string text = ErrorText.ForClient(message, data.Folders);

        Assert.DoesNotContain(data.Root, text);
        Assert.DoesNotContain("/home/me", text);
        Assert.Contains("jobs/abc/output.mp4", text);
        Assert.Contains("x.safetensors", text);
    }
}
