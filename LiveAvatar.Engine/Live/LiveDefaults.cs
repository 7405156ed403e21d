namespace LiveAvatar.Engine.Live;

/// <summary>What a live session uses when the start leaves it out. Only the size differs from a job's defaults: a live
/// session must keep up with speech, and at the jobs' 704*384 one H200 makes a 12-frame block every 1.21 s for each
/// 0.48 s of audio (real-time factor 2.55), while at 384*256 it keeps up (0.96, about 0.56 s from audio to frames;
/// `bench live`, docs/benchmarks.md).</summary>
public static class LiveDefaults
{
    public const string Size = "384*256";

    /// <summary>The size advice a front end shows beside the live size choice.</summary>
    public const string SizeAdvice =
        "384*256 keeps up with speech on one H200 (about 0.6 s from voice to video); 704*384 runs at about 0.4× real time there, so the audio queues.";
}
