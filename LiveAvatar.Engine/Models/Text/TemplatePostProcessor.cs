namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// tokenizers' TemplateProcessing for a single sequence, e.g. "$A &lt;/s&gt;" for T5. Only the ids matter here; type ids
/// are all zero in the T5 templates.
/// </summary>
internal sealed class TemplatePostProcessor
{
    private readonly List<int[]?> _items; // null = the sequence itself

    public TemplatePostProcessor(List<int[]?> items) => _items = items;

    public static TemplatePostProcessor None { get; } = new([null]);

    /// <summary>How many ids the template adds around the sequence (what truncation must leave room for).</summary>
    public int AddedCount => _items.Sum(i => i?.Length ?? 0);

    public List<int> Apply(IReadOnlyList<int> sequence)
    {
        var ids = new List<int>(sequence.Count + AddedCount);
        foreach (var item in _items) ids.AddRange(item ?? sequence);
        return ids;
    }
}
