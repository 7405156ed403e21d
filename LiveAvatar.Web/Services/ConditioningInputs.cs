namespace LiveAvatar.Web.Services;

/// <summary>A submission's optional inputs as the uploads they name: a pose video, a second speaker's audio, and
/// either the marks or the uploaded mask images that say where each speaker is.</summary>
public sealed record ConditioningInputs(
    StoredUpload? PoseVideo = null, StoredUpload? SecondAudio = null,
    IReadOnlyList<SpeakerMark>? Marks = null, IReadOnlyList<StoredUpload>? MaskUploads = null)
{
    public static ConditioningInputs None { get; } = new();

    /// <summary>The field of problems about the second audio track (the engine's request has no field of its own
    /// for it: the engine reads it like the first).</summary>
    public const string SecondAudioField = "secondAudio";

    /// <summary>How many speaker masks the run will hand the engine.</summary>
    public int MaskCount => MaskUploads?.Count ?? Marks?.Count ?? 0;

    /// <summary>The uploads the parameters name, and a problem for each one that is gone.</summary>
    public static ConditioningInputs Resolve(JobParameters p, UploadStore uploads, List<GenerationProblem> problems)
    {
        StoredUpload? Find(string? id, UploadKind kind, string field, string what)
        {
            if (string.IsNullOrEmpty(id)) return null;
            if (uploads.Find(id) is { } u && u.Kind == kind) return u;
            problems.Add(new(field, $"The {what} is no longer stored on the server; upload it again."));
            return null;
        }
        var pose = Find(p.PoseVideoId, UploadKind.Video, GenerationField.PoseVideo, "pose video");
        var second = Find(p.SecondAudioId, UploadKind.Audio, SecondAudioField, "second speaker's audio");
        List<StoredUpload>? masks = null;
        if (p.SpeakerMaskIds is { Count: > 0 } ids)
        {
            masks = [];
            foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            {
                if (Find(id, UploadKind.Image, GenerationField.SpeakerMasks, $"mask image of speaker {i + 1}") is { } m) masks.Add(m);
            }
            if (p.SpeakerMarks is { Count: > 0 })
                problems.Add(new(GenerationField.SpeakerMasks, "Give the speakers either as mask images or as marked points, not both."));
        }
        return new ConditioningInputs(pose, second, p.SpeakerMarks is { Count: > 0 } marks ? marks : null, masks);
    }

    /// <summary>The paths the engine reads. Marks become PNGs in <paramref name="maskFolder"/> (painted by
    /// <see cref="PaintMasks"/>); without a folder they are named only (for validation).</summary>
    public (string? Pose, string? SecondAudio, IReadOnlyList<string>? Masks) Paths(UploadStore uploads, string? maskFolder) =>
        (PoseVideo is null ? null : uploads.PathOf(PoseVideo),
         SecondAudio is null ? null : uploads.PathOf(SecondAudio),
         MaskUploads is not null ? MaskUploads.Select(uploads.PathOf).ToList()
         : Marks?.Select((_, i) => Path.Combine(maskFolder ?? "", MaskFileName(i))).ToList());

    /// <summary>Stand-in paths (file names only) for the settings checks, which look at presence and counts.</summary>
    public (string? Pose, string? SecondAudio, IReadOnlyList<string>? Masks) Named() =>
        (PoseVideo?.FileName, SecondAudio?.FileName,
         MaskCount == 0 ? null : Enumerable.Range(0, MaskCount).Select(MaskFileName).ToList());

    public static string MaskFileName(int speaker) => $"speaker-{speaker + 1}-mask.png";

    /// <summary>Writes the marks' masks at the reference picture's size (white = that speaker).</summary>
    public void PaintMasks(StoredUpload image, string folder)
    {
        if (Marks is null || MaskUploads is not null) return;
        Directory.CreateDirectory(folder);
        for (int i = 0; i < Marks.Count; i++)
            SpeakerMaskPainter.WritePng(Marks[i], image.Width, image.Height, Path.Combine(folder, MaskFileName(i)));
    }
}
