using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

/// <summary>The shared tokenizer fixture (../shared/golden/tokenizer): cases.json and the ids.safetensors tensors.</summary>
internal sealed record TokenizerCase(int Index, string Raw, string WanCleaned, string[] SpmPieces, int[] HfIdsWithEos, int[] WanIds32, int[] WanMask32);

internal static class TokenizerGolden
{
    public static string Folder { get; } = TestSupport.GoldenPaths.Folder("tokenizer");

    public static IReadOnlyList<TokenizerCase> Cases { get; } = ReadCases();

    public static IEnumerable<object[]> CaseIndices => Cases.Select(c => new object[] { c.Index });


    private static List<TokenizerCase> ReadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        return [.. doc.RootElement.EnumerateArray().Select((c, i) => new TokenizerCase(i,
            c.GetProperty("raw").GetString()!, c.GetProperty("wan_cleaned").GetString()!,
            [.. c.GetProperty("spm_pieces").EnumerateArray().Select(p => p.GetString()!)],
            Ints(c, "hf_ids_with_eos"), Ints(c, "wan_ids_len32"), Ints(c, "wan_mask_len32")))];
    }

    private static int[] Ints(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(x => x.GetInt32())];

    /// <summary>An int64 tensor from ids.safetensors as rows of ints.</summary>
    public static int[][] ReadInt64Matrix(string name)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(Folder, "ids.safetensors"));
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength));
        var entry = header.RootElement.GetProperty(name);
        Assert.Equal("I64", entry.GetProperty("dtype").GetString());
        int[] shape = [.. entry.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32())];
        long begin = 8 + headerLength + entry.GetProperty("data_offsets")[0].GetInt64();
        return [.. Enumerable.Range(0, shape[0]).Select(r => Enumerable.Range(0, shape[1])
            .Select(c => (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)(begin + 8L * (r * shape[1] + c))))).ToArray())];
    }
}
