using System.Globalization;
using LiveAvatar.Engine.Models.Text;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>Fixture "t5": the umT5 encoder on recorded ids/mask, stage by stage, plus the trimmed contexts.</summary>
public sealed class T5ParityRunner : IParityRunner
{
    public string Fixture => "t5";

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        var checks = new List<ParityCheck>();
        var tol = Tolerance.Parse(folder.ToleranceText("encoder_out/context")) ?? Tolerance.Scaled(1e-4);
        var bucketTol = Tolerance.Parse(folder.ToleranceText("rel_pos_bucket")) ?? Tolerance.Exact;
        using var model = new T5Encoder(T5Config.FromJson(folder.Config));
        model.Load(folder.ReaderFor("token_embedding.weight"), device, ScalarType.Float32);
        using var scope = torch.NewDisposeScope();
        var ids = folder.Load("input/ids", device, ScalarType.Int64);
        var mask = folder.Load("input/mask", device, ScalarType.Int64);
        var l = ids.shape[1];

        void Check(string name, Func<Tensor> actual, Tolerance t)
        {
            if (folder.Has(name)) checks.Add(ParityCheck.Compare(name, folder.Load(name), actual(), t));
        }

        var firstTable = model.PosEmbedding ?? model.Blocks[0].PosEmbedding!;
        Check("intermediate/rel_pos_bucket", () => firstTable.Buckets(l, l, device), bucketTol);

        // Stage by stage through the same blocks the full forward uses, to localise a mismatch.
        var x = model.TokenEmbedding.Forward(ids);
        Check("intermediate/token_embedding.out", () => x, tol);
        var shared = model.PosEmbedding?.Forward(l, l);
        for (var i = 0; i < model.Blocks.Count; i++)
        {
            var block = model.Blocks[i];
            var tag = "intermediate/block" + i.ToString(CultureInfo.InvariantCulture);
            Check(tag + ".pos_bias", () => block.PositionBias(l, shared), tol);
            x = block.Forward(x, mask, shared);
            Check(tag + ".out", () => x, tol);
        }

        Check("output/encoder_out", () => model.Forward(ids, mask), tol);
        var contexts = model.EncodeTrimmed(ids, mask);
        for (var b = 0; b < contexts.Length; b++)
        {
            var c = contexts[b];
            Check("output/context" + b.ToString(CultureInfo.InvariantCulture), () => c, tol);
        }
        return checks;
    }
}
