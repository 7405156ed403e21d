using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Tools.Demo;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines;

[Collection(TorchCollection.Name)]
public sealed class DemoCheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-demo-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void The_demo_has_every_file_of_the_real_layout_and_is_marked_untrained()
    {
        var model = DemoCheckpoint.Write(_dir.FullName);
        var status = CheckpointLayout.Inspect(model);
        Assert.True(status.IsComplete, "missing: " + string.Join(", ", status.Missing));
        Assert.True(status.IsDemo);
        Assert.Contains("diffusion_pytorch_model-00002-of-00002.safetensors", status.Present);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "LiveAvatar", "liveavatar.safetensors")));
    }

    [Fact]
    public void The_demo_loads_through_the_same_loaders_as_the_real_checkpoint_with_the_lora_merged()
    {
        var model = DemoCheckpoint.Write(_dir.FullName);
        var live = LiveTensors.Settled();
        using (var set = ModelSet.Load(new ModelSetOptions(model, torch.CPU, ScalarType.Float32)))
        {
            Assert.True(set.IsDemo);
            var targets = set.Dit.NamedParameters().Count(p => DemoCheckpoint.IsLoraTarget(p.Key));
            Assert.Equal(targets, set.Lora!.Merged);
            Assert.Empty(set.Lora.Unmatched);
            Assert.Equal(512, set.Tokenizer.SequenceLength);
            Assert.Equal(set.Dit.Config.TextDim, set.TextEncoder.Config.Dim);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(live, Tensor.TotalCount);
    }

    [Fact]
    public void Missing_files_are_listed_together_with_where_to_get_them()
    {
        var model = DemoCheckpoint.Write(_dir.FullName);
        File.Delete(Path.Combine(model, CheckpointLayout.Vae));
        File.Delete(Path.Combine(_dir.FullName, "LiveAvatar", "liveavatar.safetensors"));
        var e = Assert.Throws<GenerationException>(() => ModelSet.Load(new ModelSetOptions(model, torch.CPU, ScalarType.Float32)));
        Assert.Equal(GenerationErrorKind.MissingCheckpoint, e.Kind);
        Assert.Contains("Wan2.1_VAE.pth", e.Message);
        Assert.Contains("liveavatar.safetensors", e.Message);
        Assert.Contains("make-demo-checkpoint", e.Hint);
    }

    [Fact]
    public void The_lora_targets_of_the_14b_model_are_exactly_the_released_448_modules()
    {
        var golden = File.ReadAllLines(Path.Combine(GoldenPaths.Root, "keys_14b", "lora_keys.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t')[0])
            .Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal))
            .Select(k => k[..^".lora_A.weight".Length]).Order().ToList();
        using var dit = new CausalWanModelS2V(DitConfig.Wan14B);
        var ours = dit.NamedParameters().Where(p => DemoCheckpoint.IsLoraTarget(p.Key)).Select(p => p.Key[..^".weight".Length]).Order().ToList();
        Assert.Equal(448, golden.Count);
        Assert.Equal(golden, ours);
    }
}
