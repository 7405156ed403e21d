using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Tests.TestSupport;
using LiveAvatar.Tools.Demo;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Common;

[Collection(TorchCollection.Name)]
public sealed class ModuleLoadTests
{
    [Fact]
    public void A_load_that_fails_halfway_frees_every_tensor_it_loaded_and_disposes_the_model()
    {
        var before = LiveTensors.Settled();
        var model = new CausalWanModelS2V(DemoCheckpoint.Dit(32));

        var e = Assert.Throws<IOException>(() => Module.LoadOrDispose(model, m =>
        {
            m.Materialize(CPU, ScalarType.Float32);
            Assert.True(Tensor.TotalCount > before);
            throw new IOException("disk went away");
        }));

        Assert.Equal("disk went away", e.Message);
        Assert.Equal(before, Tensor.TotalCount);
        Assert.All(model.NamedParameters(), p => Assert.Null(p.P.Value));
    }

    [Fact]
    public void A_dit_folder_missing_a_weight_shard_fails_and_leaves_no_tensor_behind()
    {
        var dir = Directory.CreateTempSubdirectory("la-dit-");
        try
        {
            DemoCheckpoint.Write(dir.FullName);
            var folder = Path.Combine(dir.FullName, "Wan2.2-S2V-14B");
            foreach (var f in Directory.GetFiles(folder, "diffusion_pytorch_model*.safetensors").Take(1)) File.Delete(f);
            var before = LiveTensors.Settled();

            Assert.ThrowsAny<Exception>(() => CausalWanModelS2V.FromCheckpoint(folder, CPU));

            Assert.Equal(before, Tensor.TotalCount);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
