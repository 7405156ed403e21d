using System.Text;
using LiveAvatar.Engine.Models.Text;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

public class UnigramTokenizerLoadingTests
{
    [Fact]
    public void A_folder_with_only_spiece_model_asks_for_tokenizer_json_and_says_where_to_get_it()
    {
        string folder = Directory.CreateTempSubdirectory("umt5-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "spiece.model"), [0]);

            var error = Assert.Throws<FileNotFoundException>(() => UnigramTokenizer.FromFolder(folder));

            Assert.Contains(folder, error.Message);
            Assert.Contains("spiece.model", error.Message);
            Assert.Contains("tokenizer.json is needed", error.Message);
            Assert.Contains("google/umt5-xxl", error.Message);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_vocabulary_the_size_of_umt5_loads_and_encodes()
    {
        const int size = 256384;
        var json = new StringBuilder("""{"model":{"type":"Unigram","unk_id":0,"byte_fallback":false,"vocab":[["<unk>",0.0]""");
        var random = new Random(7);
        for (int i = 1; i < size; i++)
        {
            json.Append(",[\"\u2581");
            int length = 1 + random.Next(10);
            for (int k = 0; k < length; k++) json.Append((char)('a' + random.Next(26)));
            json.Append(i).Append("\",").Append((-1 - random.NextDouble() * 15).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(']');
        }
        json.Append("]},\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":true}}");

        // Timing is not asserted here (timing goals live in benchmarks): this proves a full-size vocabulary loads and encodes.
        var tokenizer = UnigramTokenizer.FromJson(json.ToString());
        var ids = tokenizer.EncodeUnpadded(string.Join(' ', Enumerable.Repeat("a woman talks to the camera", 100)));

        Assert.Equal(size, tokenizer.Model.VocabSize);
        Assert.NotEmpty(ids);
    }
}
