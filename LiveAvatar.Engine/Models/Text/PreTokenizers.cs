using System.Text;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>A pre-tokenized word; <see cref="AtTextStart"/> is true when it begins the original text (for prepend_scheme "first").</summary>
internal readonly record struct Word(string Text, bool AtTextStart);

/// <summary>One step of a tokenizer.json "pre_tokenizer". Empty words are dropped, as tokenizers does.</summary>
internal interface IPreTokenizer
{
    void Split(Word word, List<Word> output);
}

internal enum PrependScheme { Always, First, Never }

/// <summary>
/// tokenizers' Metaspace: every ' ' becomes the replacement ('▁'), the replacement is prepended unless the word already
/// starts with it, then (with split) the word is cut before each run of replacements (MergedWithNext).
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : IPreTokenizer
{
    public void Split(Word word, List<Word> output)
    {
        string text = word.Text.Replace(' ', replacement);
        bool prepend = scheme == PrependScheme.Always || (scheme == PrependScheme.First && word.AtTextStart);
        // tokenizers' prepend is a no-op on an empty string.
        if (prepend && text.Length > 0 && text[0] != replacement) text = replacement + text;
        if (!split) { Add(output, text, word.AtTextStart); return; }
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == replacement && text[i - 1] != replacement)
            {
                Add(output, text[start..i], word.AtTextStart && start == 0);
                start = i;
            }
        }
        Add(output, text[start..], word.AtTextStart && start == 0);
    }

    private static void Add(List<Word> output, string text, bool atStart)
    {
        if (text.Length > 0) output.Add(new Word(text, atStart));
    }
}

/// <summary>tokenizers' WhitespaceSplit: words are the runs between White_Space characters.</summary>
internal sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    public void Split(Word word, List<Word> output)
    {
        var current = new StringBuilder();
        bool atStart = word.AtTextStart;
        foreach (char c in word.Text)
        {
            if (!UnicodeWhitespace.IsWhiteSpace(c)) { current.Append(c); continue; }
            Flush();
            atStart = false;
        }
        Flush();

        void Flush()
        {
            if (current.Length > 0) output.Add(new Word(current.ToString(), atStart));
            if (current.Length > 0) atStart = false;
            current.Clear();
        }
    }
}

internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public void Split(Word word, List<Word> output)
    {
        var words = new List<Word> { word };
        foreach (var step in steps)
        {
            var next = new List<Word>();
            foreach (var w in words) step.Split(w, next);
            words = next;
        }
        output.AddRange(words);
    }
}
