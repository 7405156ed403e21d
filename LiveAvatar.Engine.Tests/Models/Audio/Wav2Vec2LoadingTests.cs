using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Models.Text;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Audio;

[Collection(TorchCollection.Name)]
public sealed class Wav2Vec2LoadingTests : IDisposable
{
    private readonly GoldenFolder _golden = new(T5TestData.Fixture("wav2vec2"));
    private readonly string _dir = Directory.CreateTempSubdirectory("la-w2v-").FullName;

    public void Dispose()
    {
        _golden.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Writes an HF-style folder: config.json from the manifest and the weights with keys renamed.</summary>
    private string WriteHfFolder(string name, Func<string, string> rename)
    {
        var folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), _golden.Config.GetProperty("tiny").GetRawText());
        var reader = _golden.ReaderFor("lm_head.weight");
        var tensors = reader.Tensors.Select(t =>
        {
            var bytes = new byte[t.ByteLength];
            t.CopyTo(bytes);
            return (rename(t.Name), t.DType, t.Shape, (ReadOnlyMemory<byte>)bytes);
        });
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors);
        return folder;
    }

    private Tensor HiddenStates(Wav2Vec2Model model) => model.HiddenStates(_golden.Load("processor/input_values"));

    [Fact]
    public void Both_weight_norm_key_forms_load_into_the_same_model()
    {
        var legacy = WriteHfFolder("legacy", n => n);
        var parametrized = WriteHfFolder("parametrized", n => n
            .Replace("conv.weight_g", "conv.parametrizations.weight.original0", StringComparison.Ordinal)
            .Replace("conv.weight_v", "conv.parametrizations.weight.original1", StringComparison.Ordinal));
        // The fixture was recorded with transformers 5, whose last hidden state is the un-normalised layer output.
        using var a = Wav2Vec2Model.Load(legacy, torch.CPU, ScalarType.Float32, LastHiddenState.LastLayerOutput);
        using var b = Wav2Vec2Model.Load(parametrized, torch.CPU, ScalarType.Float32, LastHiddenState.LastLayerOutput);
        using var scope = torch.NewDisposeScope();

        var ha = HiddenStates(a);
        var hb = HiddenStates(b);

        Assert.Contains(b.NamedParameters(), p => p.Key == "encoder.pos_conv_embed.conv.parametrizations.weight.original0");
        Assert.Equal(0, TensorAssert.MaxAbsDiff(ha, hb));
        Assert.True(TensorAssert.MaxAbsDiff(ha, _golden.Load("model/hidden_states")) < 1e-3);
    }

    [Fact]
    public void A_bare_wav2vec2_model_checkpoint_without_the_ctc_prefix_loads_too()
    {
        var bare = WriteHfFolder("bare", n => n.StartsWith("wav2vec2.", StringComparison.Ordinal) ? n["wav2vec2.".Length..] : n);
        using var model = Wav2Vec2Model.Load(bare, torch.CPU, ScalarType.Float32, LastHiddenState.LastLayerOutput);
        using var scope = torch.NewDisposeScope();

        Assert.True(TensorAssert.MaxAbsDiff(HiddenStates(model), _golden.Load("model/hidden_states")) < 1e-3);
    }

    [Fact]
    public void A_missing_layer_is_reported_by_key()
    {
        var broken = WriteHfFolder("broken", n => n.Replace("encoder.layers.3.", "encoder.layerz.3.", StringComparison.Ordinal));

        var e = Assert.Throws<CheckpointMismatchException>(() => Wav2Vec2Model.Load(broken, torch.CPU, ScalarType.Float32));

        Assert.Contains("wav2vec2.encoder.layers.3.attention.q_proj.weight", e.Missing);
        Assert.Contains("wav2vec2.encoder.layerz.3.attention.q_proj.weight", e.Unexpected);
    }

    [Fact]
    public void The_transformers_4_convention_ends_with_the_final_layer_norm_of_the_transformers_5_last_state()
    {
        using var model = Wav2Vec2Model.FromReader(_golden.ReaderFor("lm_head.weight"), Wav2Vec2Config.FromJson(_golden.Config.GetProperty("tiny")), torch.CPU);
        using var scope = torch.NewDisposeScope();

        var v4 = HiddenStates(model);
        model.LastHiddenState = LastHiddenState.LastLayerOutput;
        var v5 = HiddenStates(model);

        var n = v4.shape[0];
        Assert.Equal(0, TensorAssert.MaxAbsDiff(v4.narrow(0, 0, n - 1), v5.narrow(0, 0, n - 1)));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(v4.select(0, n - 1), model.Encoder.LayerNorm.Forward(v5.select(0, n - 1))));
        Assert.Equal(LastHiddenState.FinalLayerNorm, LastHiddenStates.ForTransformersVersion("4.51.3"));
        Assert.Equal(LastHiddenState.LastLayerOutput, LastHiddenStates.ForTransformersVersion("5.17.0"));
        Assert.Equal(LastHiddenState.FinalLayerNorm, LastHiddenStates.ForTransformersVersion(null));
    }

    [Fact]
    public void A_forward_leaves_no_tensor_behind()
    {
        using var model = Wav2Vec2Model.FromReader(_golden.ReaderFor("lm_head.weight"), Wav2Vec2Config.FromJson(_golden.Config.GetProperty("tiny")), torch.CPU);
        var input = _golden.Load("processor/input_values");
        var before = LiveTensors.Settled();

        var states = model.Forward(input);
        var count = states.Length;
        foreach (var s in states) s.Dispose();

        Assert.Equal(model.Config.NumHiddenLayers + 1, count);
        Assert.Equal(before, Tensor.TotalCount);
        input.Dispose();
    }
}
