namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// Wan's HuggingfaceTokenizer wrapper for the T5 encoder: clean the prompt, then pad / truncate to the text length
/// (512 in the pipeline) with &lt;/s&gt; kept last.
/// </summary>
public sealed class WanTextTokenizer(UnigramTokenizer tokenizer, int sequenceLength = 512)
{
    public UnigramTokenizer Tokenizer { get; } = tokenizer;

    public int SequenceLength { get; } = sequenceLength;

    public TokenizedText Encode(string prompt) => Tokenizer.Encode(PromptCleaner.Clean(prompt), SequenceLength);
}
