using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

public sealed class ShardedSafetensorsTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string WriteTwoShards(string weightMapJson)
    {
        SafetensorsWriter.Write(_tmp.File("model-00001-of-00002.safetensors"),
            [("a", CheckpointDType.Float32, [2], SafetensorsRoundTripTests.Pattern(8))], new Dictionary<string, string> { ["format"] = "pt" });
        SafetensorsWriter.Write(_tmp.File("model-00002-of-00002.safetensors"),
            [("b", CheckpointDType.BFloat16, [3], SafetensorsRoundTripTests.Pattern(6))]);
        var index = _tmp.File("model.safetensors.index.json");
        File.WriteAllText(index, $$"""{"metadata":{"total_size":14},"weight_map":{{weightMapJson}}}""");
        return index;
    }

    private const string GoodMap =
        """{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}""";

    [Fact]
    public void An_index_file_exposes_the_tensors_of_every_shard()
    {
        using var reader = CheckpointReader.Open(WriteTwoShards(GoodMap));

        Assert.Equal(["a", "b"], reader.Tensors.Select(t => t.Name));
        Assert.EndsWith("model-00002-of-00002.safetensors", reader["b"].SourceFile);
        Assert.Equal(SafetensorsRoundTripTests.Pattern(6), SafetensorsRoundTripTests.ReadAll(reader["b"]));
        Assert.Equal("14", reader.Metadata["total_size"]);
        Assert.Equal("pt", reader.Metadata["format"]);
    }

    [Fact]
    public void A_folder_with_an_index_opens_as_the_sharded_checkpoint()
    {
        WriteTwoShards(GoodMap);
        using var reader = CheckpointReader.Open(_tmp.Path);

        Assert.Equal(2, reader.Tensors.Count);
        Assert.EndsWith(".safetensors.index.json", reader.Path);
    }

    [Fact]
    public void A_folder_with_one_safetensors_file_opens_that_file()
    {
        SafetensorsWriter.Write(_tmp.File("only.safetensors"), [("x", CheckpointDType.UInt8, [1], new byte[] { 5 })]);
        using var reader = CheckpointReader.Open(_tmp.Path);

        Assert.Equal("x", Assert.Single(reader.Tensors).Name);
    }

    [Fact]
    public void An_index_pointing_to_a_missing_shard_names_the_shard_and_the_key()
    {
        var index = WriteTwoShards("""{"a":"model-00001-of-00002.safetensors","c":"model-00009-of-00009.safetensors"}""");

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(index).Dispose());
        Assert.Contains("model.safetensors.index.json", e.Message);
        Assert.Contains("tensor 'c'", e.Message);
        Assert.Contains("model-00009-of-00009.safetensors does not exist", e.Message);
    }

    [Fact]
    public void An_index_key_absent_from_its_shard_names_the_key_and_the_shard()
    {
        var index = WriteTwoShards("""{"a":"model-00001-of-00002.safetensors","b":"model-00001-of-00002.safetensors"}""");

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(index).Dispose());
        Assert.Contains("tensor 'b'", e.Message);
        Assert.Contains("model-00001-of-00002.safetensors, which does not contain it", e.Message);
    }

    [Fact]
    public void An_index_without_weight_map_is_rejected()
    {
        var index = _tmp.File("x.safetensors.index.json");
        File.WriteAllText(index, """{"metadata":{}}""");

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(index).Dispose());
        Assert.Contains("x.safetensors.index.json", e.Message);
        Assert.Contains("no 'weight_map'", e.Message);
    }
}
