using System.Text.RegularExpressions;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>One step of a tokenizer.json "normalizer".</summary>
internal interface ITextNormalizer
{
    string Normalize(string text);
}

internal sealed class PrecompiledNormalizer(PrecompiledCharsMap map) : ITextNormalizer
{
    public string Normalize(string text) => map.Normalize(text);
}

/// <summary>tokenizers' Replace: a literal string pattern, or a regex (Oniguruma syntax; the simple ones used by
/// SentencePiece conversions such as <c> {2,}</c> mean the same in .NET).</summary>
internal sealed class ReplaceNormalizer : ITextNormalizer
{
    private readonly Regex? _regex;
    private readonly string? _literal;
    private readonly string _content;

    public ReplaceNormalizer(string? literal, string? regex, string content)
    {
        _literal = literal;
        _regex = regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant);
        _content = content;
    }

    public string Normalize(string text) =>
        _regex is not null ? _regex.Replace(text, _content.Replace("$", "$$"))
        : string.IsNullOrEmpty(_literal) ? text : text.Replace(_literal, _content, StringComparison.Ordinal);
}

/// <summary>tokenizers' Strip, which trims Rust <c>char::is_whitespace</c> characters.</summary>
internal sealed class StripNormalizer(bool left, bool right) : ITextNormalizer
{
    public string Normalize(string text)
    {
        int start = 0, end = text.Length;
        if (left) while (start < end && UnicodeWhitespace.IsWhiteSpace(text[start])) start++;
        if (right) while (end > start && UnicodeWhitespace.IsWhiteSpace(text[end - 1])) end--;
        return text[start..end];
    }
}

internal sealed class PrependNormalizer(string prefix) : ITextNormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}

internal sealed class NfcNormalizer : ITextNormalizer
{
    public string Normalize(string text) => CanonicalTables.ToNfc(text);
}

internal sealed class LowercaseNormalizer : ITextNormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}

internal sealed class SequenceNormalizer(IReadOnlyList<ITextNormalizer> steps) : ITextNormalizer
{
    public string Normalize(string text)
    {
        foreach (var step in steps) text = step.Normalize(text);
        return text;
    }
}
