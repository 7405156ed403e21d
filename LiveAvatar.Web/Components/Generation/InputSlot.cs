using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>The page's file inputs: two are required, two are optional conditioning (the original's pose video and
/// second speaker).</summary>
public enum InputSlot { Image, Audio, SecondAudio, PoseVideo }

public static class InputSlots
{
    public static UploadKind Kind(this InputSlot slot) => slot switch
    {
        InputSlot.Image => UploadKind.Image,
        InputSlot.PoseVideo => UploadKind.Video,
        _ => UploadKind.Audio,
    };

    /// <summary>The drop zone's data-testid, also the key its problems are shown under (<see cref="ControlIds"/>).</summary>
    public static string TestId(this InputSlot slot) => slot switch
    {
        InputSlot.Image => "image-upload",
        InputSlot.Audio => "audio-upload",
        InputSlot.SecondAudio => "audio2-upload",
        _ => "pose-upload",
    };

    public static string Noun(this InputSlot slot) => slot switch
    {
        InputSlot.SecondAudio => "second speaker's audio",
        _ => UploadStore.Noun(slot.Kind()),
    };
}
