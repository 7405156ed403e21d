using LiveAvatar.Engine.Models.Text;
using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace LiveAvatar.Engine.Tests.Models.Text;

[Collection(TorchCollection.Name)]
public sealed class T5EncoderParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_t5_runner_passes_every_check_of_the_golden_fixture()
    {
        using var folder = new GoldenFolder(T5TestData.Fixture("t5"));
        var before = LiveTensors.Settled();

        var checks = new T5ParityRunner().Run(folder, torch.CPU).ToList();

        foreach (var c in checks) output.WriteLine(c.ToString());
        Assert.Equal(before, Tensor.TotalCount);
        Assert.Contains(checks, c => c.Name == "intermediate/rel_pos_bucket" && c.MaxAbsError == 0);
        Assert.Contains(checks, c => c.Name == "output/context1");
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Equal(folder.TensorNames.Count(n => !n.StartsWith("input/", StringComparison.Ordinal) && n.Contains('/')), checks.Count);
    }

    [Fact]
    public void The_runner_is_registered_under_the_fixture_name()
    {
        ParityRunners.RegisterAll();

        Assert.IsType<T5ParityRunner>(ParityRegistry.Find("t5"));
    }

    [Fact]
    public void Trimmed_contexts_pad_back_to_the_full_encoder_rows_with_zeros_after_the_mask()
    {
        using var folder = new GoldenFolder(T5TestData.Fixture("t5"));
        using var model = new T5Encoder(T5Config.FromJson(folder.Config));
        model.Load(folder.ReaderFor("norm.weight"), torch.CPU, ScalarType.Float32);
        using var scope = torch.NewDisposeScope();
        var ids = folder.Load("input/ids");
        var mask = folder.Load("input/mask");
        var textLen = ids.shape[1] + 5;

        var contexts = model.EncodeTrimmed(ids, mask);
        var padded = T5EncoderModel.PadToTextLength(contexts, textLen);

        var full = model.Forward(ids, mask);
        var lengths = HostArrays.Read<long>(mask.sum(1));
        Assert.Equal([ids.shape[0], textLen, model.Config.Dim], padded.shape);
        for (var b = 0; b < lengths.Length; b++)
        {
            Assert.Equal([lengths[b], model.Config.Dim], contexts[b].shape);
            Assert.Equal(0, TensorAssert.MaxAbsDiff(padded.select(0, b).narrow(0, 0, lengths[b]), full.select(0, b).narrow(0, 0, lengths[b])));
            Assert.Equal(0, padded.select(0, b).narrow(0, lengths[b], textLen - lengths[b]).abs().amax().ToDouble());
        }
    }
}
