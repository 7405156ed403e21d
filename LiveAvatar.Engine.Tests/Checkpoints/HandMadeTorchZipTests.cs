using System.Text;
using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

public sealed class HandMadeTorchZipTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Theory]
    [InlineData("Float8_e4m3fnStorage", CheckpointDType.Float8E4M3)]
    [InlineData("Float8_e5m2Storage", CheckpointDType.Float8E5M2)]
    public void A_float8_storage_in_a_zip64_archive_reads_with_its_dtype_and_bytes(string storageClass, CheckpointDType dtype)
    {
        var storage = Enumerable.Range(0, 8).Select(i => (byte)(0x30 + i)).ToArray();
        var pickle = HandMadeTorchZip.StateDictPickle("w", storageClass, 8, [2, 3], [3, 1], 2);
        var path = _tmp.WriteBytes("f8.pth", HandMadeTorchZip.Zip64(
            ("archive/data.pkl", pickle), ("archive/byteorder", Encoding.ASCII.GetBytes("little")), ("archive/data/0", storage)));

        using var reader = CheckpointReader.Open(path);

        var t = reader["w"];
        Assert.Equal(dtype, t.DType);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(storage[2..8], SafetensorsRoundTripTests.ReadAll(t));
    }

    [Fact]
    public void A_view_reaching_past_its_storage_is_rejected_naming_the_tensor()
    {
        var pickle = HandMadeTorchZip.StateDictPickle("w", "FloatStorage", 4, [2, 3], [3, 1], 0);
        var path = _tmp.WriteBytes("short.pth", HandMadeTorchZip.Zip64(
            ("archive/data.pkl", pickle), ("archive/data/0", new byte[16])));

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(path).Dispose());
        Assert.Contains("short.pth", e.Message);
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("storage holds only 4 elements", e.Message);
    }

    [Fact]
    public void A_storage_class_outside_the_allow_list_is_refused()
    {
        var pickle = HandMadeTorchZip.StateDictPickle("w", "ShortStorageEvil", 1, [1], [1], 0);
        var path = _tmp.WriteBytes("odd.pth", HandMadeTorchZip.Zip64(("archive/data.pkl", pickle), ("archive/data/0", new byte[2])));

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(path).Dispose());
        Assert.Contains("refuses global torch.ShortStorageEvil", e.Message);
    }
}
