using LiveAvatar.Engine.Checkpoints;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>Broken and hostile torch archives: each is refused with a clear message, and nothing in them runs.</summary>
public sealed class TorchZipMalformedTests(TorchFixture torch) : IClassFixture<TorchFixture>
{
    [Theory]
    [InlineData("evil_system.pth", "posix.system")]
    [InlineData("evil_eval.pth", "__builtin__.eval")]
    [InlineData("evil_subprocess.pth", "subprocess.call")]
    public void A_pickle_calling_arbitrary_code_is_refused_without_running(string file, string global)
    {
        Assert.True(torch.Expected.RootElement.GetProperty("__payload_is_live__").GetBoolean(),
            "the fixture payload did not run under Python's own pickle, so this test would prove nothing");
        var marker = torch.File(Path.GetFileNameWithoutExtension(file)["evil_".Length..] + ".pwned");

        var e = Reject(file);

        Assert.Contains("refuses global", e.Message);
        Assert.Contains(global, e.Message);
        Assert.False(File.Exists(marker), $"payload ran: {marker} exists");
    }

    [Fact]
    public void An_archive_without_data_pkl_is_rejected()
    {
        var e = Reject("nopkl.pth");
        Assert.Contains("no data.pkl", e.Message);
    }

    [Fact]
    public void A_pickle_with_a_bad_opcode_is_rejected_with_its_offset()
    {
        var e = Reject("badop.pth");
        Assert.Contains("archive/data.pkl", e.Message);
        Assert.Contains("bad pickle opcode 0xff at offset 5", e.Message);
    }

    [Fact]
    public void A_big_endian_archive_is_rejected()
    {
        var e = Reject("bigendian.pth");
        Assert.Contains("byteorder is 'big'", e.Message);
    }

    [Fact]
    public void A_missing_storage_entry_is_rejected_naming_the_tensor()
    {
        var e = Reject("nostorage.pth");
        Assert.Contains("tensor 'f32'", e.Message);
        Assert.Contains("data/0' is missing", e.Message);
    }

    [Fact]
    public void A_compressed_archive_is_rejected_because_storages_cannot_be_mapped()
    {
        var e = Reject("deflated.pth");
        Assert.Contains("compressed", e.Message);
    }

    [Fact]
    public void A_text_file_named_pth_is_rejected()
    {
        var path = torch.File("notes.pth");
        File.WriteAllText(path, "these are not weights\n");

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(path).Dispose());
        Assert.Contains("notes.pth", e.Message);
        Assert.Contains("not a recognised checkpoint", e.Message);
    }

    private CheckpointFormatException Reject(string file)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(torch.File(file)).Dispose());
        Assert.Contains(file, e.Message);
        return e;
    }
}
