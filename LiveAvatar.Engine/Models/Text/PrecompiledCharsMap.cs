using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// SentencePiece's compiled normalisation rules (<c>precompiled_charsmap</c>, e.g. nmt_nfkc): a little-endian u32 trie
/// size in bytes, the darts-clone trie, then a blob of NUL-terminated replacement strings the trie values point into.
/// </summary>
public sealed class PrecompiledCharsMap
{
    private readonly DoubleArrayTrie _trie;
    private readonly byte[] _normalized;

    public PrecompiledCharsMap(byte[] blob)
    {
        if (blob.Length < 4) throw new FormatException("precompiled_charsmap is shorter than its 4-byte header.");
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes % 4 != 0 || trieBytes > blob.Length - 4)
            throw new FormatException($"precompiled_charsmap declares a trie of {trieBytes} bytes in a {blob.Length}-byte blob.");
        var units = new uint[trieBytes / 4];
        for (int i = 0; i < units.Length; i++) units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + 4 * i));
        _trie = new DoubleArrayTrie(units);
        _normalized = blob.AsSpan(4 + (int)trieBytes).ToArray();
    }

    public static PrecompiledCharsMap FromBase64(string base64) => new(Convert.FromBase64String(base64));

    /// <summary>
    /// SentencePiece's rule (normalizer.cc NormalizePrefix): at each position take the longest key that prefixes the
    /// remaining UTF-8 bytes; with no match copy one UTF-8 character unchanged.
    /// </summary>
    public string NormalizeLongestMatch(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(bytes.Length);
        int pos = 0;
        while (pos < bytes.Length)
        {
            var matches = _trie.CommonPrefixSearch(bytes.AsSpan(pos));
            if (matches.Count > 0)
            {
                var (length, value) = matches[^1];
                output.AddRange(ReplacementAt(value));
                pos += length;
                continue;
            }
            int charLength = Utf8CharLength(bytes[pos]);
            output.AddRange(bytes.AsSpan(pos, Math.Min(charLength, bytes.Length - pos)));
            pos += charLength;
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>
    /// Hugging Face tokenizers' Precompiled normaliser, which is what produced the reference ids: each extended grapheme
    /// cluster shorter than 6 UTF-8 bytes is replaced whole by the value of its shortest matching prefix key; otherwise
    /// (no match, or a longer cluster) each character is looked up on its own. This differs from
    /// <see cref="NormalizeLongestMatch"/> only on rare clusters (e.g. halfwidth kana with a voiced mark).
    /// </summary>
    public string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var clusters = StringInfo.GetTextElementEnumerator(text);
        while (clusters.MoveNext())
        {
            string cluster = (string)clusters.Current;
            if (Encoding.UTF8.GetByteCount(cluster) < 6 && TryTransform(cluster, out string? whole))
            {
                sb.Append(whole);
                continue;
            }
            for (int i = 0; i < cluster.Length; i += char.IsSurrogatePair(cluster, i) ? 2 : 1)
            {
                string ch = char.IsSurrogatePair(cluster, i) ? cluster.Substring(i, 2) : cluster.Substring(i, 1);
                sb.Append(TryTransform(ch, out string? mapped) ? mapped : ch);
            }
        }
        return sb.ToString();
    }

    private bool TryTransform(string chunk, out string? replacement)
    {
        var matches = _trie.CommonPrefixSearch(Encoding.UTF8.GetBytes(chunk));
        replacement = matches.Count == 0 ? null : Encoding.UTF8.GetString(ReplacementAt(matches[0].Value));
        return replacement is not null;
    }

    private ReadOnlySpan<byte> ReplacementAt(int offset)
    {
        if ((uint)offset >= (uint)_normalized.Length) return [];
        var tail = _normalized.AsSpan(offset);
        int end = tail.IndexOf((byte)0);
        return end < 0 ? tail : tail[..end];
    }

    private static int Utf8CharLength(byte lead) =>
        lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 1;
}
