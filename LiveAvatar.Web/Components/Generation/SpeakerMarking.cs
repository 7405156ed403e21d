using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>
/// The two speakers' marks on the reference picture while the person places them: a click puts the selected
/// speaker's circle there (and moves on to the next unmarked speaker), a size changes its radius. Coordinates are
/// fractions of the picture, so nothing here depends on how large the preview is drawn.
/// </summary>
public sealed class SpeakerMarking
{
    public const int Speakers = 2;
    private readonly SpeakerMark?[] marks = new SpeakerMark?[Speakers];

    /// <summary>0 for the first speaker (the first audio), 1 for the second.</summary>
    public int Selected { get; private set; }

    public SpeakerMark? this[int speaker] => marks[speaker];

    public bool IsComplete => marks.All(m => m is not null);
    public bool IsEmpty => marks.All(m => m is null);

    public static string Label(int speaker) => speaker == 0 ? "A" : "B";

    public void Select(int speaker) => Selected = Math.Clamp(speaker, 0, Speakers - 1);

    /// <summary>Marks the selected speaker at (x, y), keeping a size they already chose; then selects the next
    /// speaker without a mark, if any.</summary>
    public void MarkAt(double x, double y)
    {
        marks[Selected] = SpeakerMark.At(x, y, marks[Selected]?.Radius ?? SpeakerMark.DefaultRadius);
        int next = Array.FindIndex(marks, m => m is null);
        if (next >= 0) Selected = next;
    }

    public void Resize(int speaker, double radius)
    {
        if (marks[speaker] is { } m) marks[speaker] = SpeakerMark.At(m.X, m.Y, radius);
    }

    public void Clear()
    {
        Array.Clear(marks);
        Selected = 0;
    }

    /// <summary>The marks in speaker order as the job takes them; a missing one is left out (the engine then says
    /// a mask is missing).</summary>
    public IReadOnlyList<SpeakerMark> ToList() => marks.OfType<SpeakerMark>().ToList();

    public void Load(IReadOnlyList<SpeakerMark>? saved)
    {
        Clear();
        for (int i = 0; i < Math.Min(Speakers, saved?.Count ?? 0); i++) marks[i] = saved![i];
        Selected = Math.Max(0, Array.FindIndex(marks, m => m is null));
    }
}
