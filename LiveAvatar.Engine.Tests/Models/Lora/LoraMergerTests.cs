using System.Runtime.InteropServices;
using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Lora;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Lora;

[Collection(TorchCollection.Name)]
public sealed class LoraMergerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lora-test").FullName;

    private sealed class Toy : Module
    {
        public Linear Q { get; }
        public Linear Other { get; }

        public Toy()
        {
            Q = Child("q", new Linear(3, 2));
            Other = Child("other", new Linear(2, 2));
        }
    }

    private static (string, CheckpointDType, long[], ReadOnlyMemory<byte>) F32(string name, long[] shape, float[] data) =>
        (name, CheckpointDType.Float32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    private Toy NewToy()
    {
        var toy = new Toy();
        var path = Path.Combine(_dir, "base.safetensors");
        SafetensorsWriter.Write(path, [
            F32("q.weight", [2, 3], [1, 2, 3, 4, 5, 6]), F32("q.bias", [2], [0.5f, -0.5f]),
            F32("other.weight", [2, 2], [1, 0, 0, 1]), F32("other.bias", [2], [0, 0])]);
        using var reader = CheckpointReader.Open(path);
        toy.Load(reader, torch.CPU);
        return toy;
    }

    [Theory]
    [InlineData("base_model.model.q.lora_A.default.weight", "base_model.model.q.lora_B.default.weight")]
    [InlineData("q.lora_A.weight", "q.lora_B.weight")]
    [InlineData("q.lora_A.default.weight", "q.lora_B.default.weight")]
    public void Merge_adds_alpha_over_rank_times_B_A_whatever_the_key_form(string aKey, string bKey)
    {
        using var scope = torch.NewDisposeScope();
        using var toy = NewToy();
        var path = Path.Combine(_dir, "lora.safetensors");
        // rank 2: A [2, 3], B [2, 2]; B·A = [[1·1+2·0, 1·0+2·1, 1·1+2·1], [3·1+4·0, 3·0+4·1, 3·1+4·1]] = [[1,2,3],[3,4,7]]
        SafetensorsWriter.Write(path, [F32(aKey, [2, 3], [1, 0, 1, 0, 1, 1]), F32(bKey, [2, 2], [1, 2, 3, 4]),
            F32("nothing.lora_A.weight", [2, 2], [0, 0, 0, 0]), F32("nothing.lora_B.weight", [2, 2], [0, 0, 0, 0])]);
        using var lora = CheckpointReader.Open(path);
        var report = LoraMerger.Merge(toy, lora, alpha: 1.0);
        Assert.Equal(1, report.Merged);
        Assert.Equal(["nothing"], report.Unmatched);
        Assert.Empty(report.NonLoraKeys);
        // scale = 1/2: W + 0.5·B·A
        Assert.Equal(new[] { 1.5f, 3f, 4.5f, 5.5f, 7f, 9.5f }, HostArrays.Read<float>(toy.Q.Weight.T));
        Assert.Equal(new[] { 0.5f, -0.5f }, HostArrays.Read<float>(toy.Q.Bias!.T));
        Assert.Equal(new[] { 1f, 0f, 0f, 1f }, HostArrays.Read<float>(toy.Other.Weight.T));
    }

    [Fact]
    public void Merge_refuses_a_LoRA_whose_shapes_do_not_fit_the_weight()
    {
        using var toy = NewToy();
        var path = Path.Combine(_dir, "bad.safetensors");
        SafetensorsWriter.Write(path, [F32("q.lora_A.weight", [1, 2], [1, 1]), F32("q.lora_B.weight", [2, 1], [1, 1])]);
        using var lora = CheckpointReader.Open(path);
        var ex = Assert.Throws<InvalidOperationException>(() => LoraMerger.Merge(toy, lora));
        Assert.Contains("'q'", ex.Message);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, HostArrays.Read<float>(toy.Q.Weight.T));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
