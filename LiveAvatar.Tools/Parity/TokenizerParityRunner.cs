using System.Text.Json;
using LiveAvatar.Engine.Models.Text;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>Fixture `tokenizer`: cleaning, tokenizer.json ids (with &lt;/s&gt;) and the Wan wrapper's padded ids and
/// mask at the manifest's sequence length, for every case in cases.json. All exact.</summary>
public sealed class TokenizerParityRunner : IParityRunner
{
    public string Fixture => "tokenizer";

    public IEnumerable<ParityCheck> Run(GoldenFolder folder, Device device)
    {
        var tokenizer = UnigramTokenizer.FromFile(Path.Combine(folder.Directory, "tokenizer.json"));
        var seqLen = folder.Config.GetProperty("wan_seq_len").GetInt32();
        var wan = new WanTextTokenizer(tokenizer, seqLen);
        using var cases = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder.Directory, "cases.json")));
        int cleanMismatch = 0, idMismatch = 0, wanMismatch = 0, n = 0;
        var ids = new List<long>();
        var masks = new List<long>();
        foreach (var c in cases.RootElement.EnumerateArray())
        {
            n++;
            var raw = c.GetProperty("raw").GetString()!;
            if (PromptCleaner.Clean(raw) != c.GetProperty("wan_cleaned").GetString()) cleanMismatch++;
            var expectedIds = c.GetProperty("hf_ids_with_eos").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var cleaned = c.GetProperty("wan_cleaned").GetString()!;
            if (!tokenizer.EncodeUnpadded(cleaned).SequenceEqual(expectedIds)) idMismatch++;
            var w = wan.Encode(raw);
            if (!w.Ids.SequenceEqual(c.GetProperty("wan_ids_len32").EnumerateArray().Select(e => e.GetInt32()))
                || !w.AttentionMask.SequenceEqual(c.GetProperty("wan_mask_len32").EnumerateArray().Select(e => e.GetInt32())))
                wanMismatch++;
            ids.AddRange(w.Ids.Select(i => (long)i));
            masks.AddRange(w.AttentionMask.Select(i => (long)i));
        }
        yield return Count($"cleaning ({n} cases)", cleanMismatch);
        yield return Count($"tokenizer.json ids with </s> ({n} cases)", idMismatch);
        yield return Count($"Wan wrapper ids and mask at seq_len {seqLen} ({n} cases)", wanMismatch);
        using var scope = torch.NewDisposeScope();
        var shape = new long[] { n, seqLen };
        yield return ParityCheck.Compare("wan_ids", folder.Load("wan_ids"), torch.tensor(ids.ToArray(), shape), Tolerance.Exact);
        yield return ParityCheck.Compare("wan_mask", folder.Load("wan_mask"), torch.tensor(masks.ToArray(), shape), Tolerance.Exact);
    }

    private static ParityCheck Count(string name, int mismatches) => new(name, mismatches, mismatches, 0, Tolerance.Exact);
}
