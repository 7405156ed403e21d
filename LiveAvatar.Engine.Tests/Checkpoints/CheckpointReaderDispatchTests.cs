using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

public sealed class CheckpointReaderDispatchTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void A_directory_with_no_checkpoint_is_rejected_saying_what_was_looked_for()
    {
        File.WriteAllText(_tmp.File("readme.txt"), "hi");

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(_tmp.Path).Dispose());
        Assert.Contains(_tmp.Path, e.Message);
        Assert.Contains("holds no checkpoint", e.Message);
        Assert.Contains("*.safetensors", e.Message);
    }

    [Fact]
    public void A_directory_with_several_unindexed_safetensors_files_is_ambiguous()
    {
        SafetensorsWriter.Write(_tmp.File("a.safetensors"), [("x", CheckpointDType.UInt8, [1], new byte[] { 1 })]);
        SafetensorsWriter.Write(_tmp.File("b.safetensors"), [("y", CheckpointDType.UInt8, [1], new byte[] { 1 })]);

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(_tmp.Path).Dispose());
        Assert.Contains("2 .safetensors files", e.Message);
    }

    [Fact]
    public void A_missing_path_is_reported_as_not_found()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Open(_tmp.File("nope.safetensors")));
        Assert.Contains("nope.safetensors", e.Message);
    }

    [Fact]
    public void A_safetensors_file_with_another_extension_is_recognised_by_content()
    {
        var path = _tmp.File("weights.data");
        SafetensorsWriter.Write(path, [("x", CheckpointDType.Int32, [1], BitConverter.GetBytes(42))]);

        using var reader = CheckpointReader.Open(path);
        Assert.Equal(42, BitConverter.ToInt32(SafetensorsRoundTripTests.ReadAll(reader["x"])));
    }

    [Fact]
    public void A_bare_pickle_is_rejected_as_the_unsupported_legacy_format()
    {
        var path = _tmp.WriteBytes("old.pt", [0x80, 0x02, (byte)'}', (byte)'.']);

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(path).Dispose());
        Assert.Contains("old.pt", e.Message);
        Assert.Contains("bare pickle", e.Message);
    }
}
