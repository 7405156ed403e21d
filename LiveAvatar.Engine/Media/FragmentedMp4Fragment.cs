namespace LiveAvatar.Engine.Media;

/// <summary>One media segment: moof (a traf per track, absolute tfdt) + mdat with video then audio samples.</summary>
internal static class FragmentedMp4Fragment
{
    private const uint SyncSample = 0x02000000; // sample_depends_on = 2 (an I-frame)
    private const uint NonSyncSample = 0x01010000; // depends on others, is_non_sync_sample

    public static byte[] Build(uint sequence, ulong videoBaseTime, IReadOnlyList<AccessUnit> video, uint videoSampleDuration,
        ulong audioBaseTime, IReadOnlyList<byte[]> audio, uint audioSampleDuration)
    {
        var w = new BoxWriter();
        long videoOffsetField, audioOffsetField = -1;
        using (w.Box("moof"))
        {
            using (w.FullBox("mfhd", 0, 0)) w.U32(sequence);
            videoOffsetField = Traf(w, FragmentedMp4Init.VideoTrack, videoBaseTime, videoSampleDuration,
                video.Select(v => (v.Data.Length, (uint?)(v.IsKeyframe ? SyncSample : NonSyncSample))).ToList());
            if (audio.Count > 0)
                audioOffsetField = Traf(w, FragmentedMp4Init.AudioTrack, audioBaseTime, audioSampleDuration,
                    audio.Select(a => (a.Length, (uint?)null)).ToList());
        }
        var moofSize = w.Position;
        var videoBytes = video.Sum(v => (long)v.Data.Length);
        var audioBytes = audio.Sum(a => (long)a.Length);
        // data_offset counts from the moof start (default-base-is-moof); 8 skips the mdat header.
        w.PatchU32(videoOffsetField, (uint)(moofSize + 8));
        if (audioOffsetField >= 0) w.PatchU32(audioOffsetField, (uint)(moofSize + 8 + videoBytes));
        w.U32((uint)(8 + videoBytes + audioBytes));
        w.FourCc("mdat");
        foreach (var v in video) w.Bytes(v.Data);
        foreach (var a in audio) w.Bytes(a);
        return w.ToArray();
    }

    /// <summary>Writes a traf and returns where its trun data_offset lives, to patch once the moof size is known.</summary>
    private static long Traf(BoxWriter w, uint track, ulong baseTime, uint duration, List<(int Size, uint? Flags)> samples)
    {
        using var traf = w.Box("traf");
        using (w.FullBox("tfhd", 0, 0x020000)) w.U32(track); // default-base-is-moof
        using (w.FullBox("tfdt", 1, 0)) w.U64(baseTime);
        var withFlags = samples.Count > 0 && samples[0].Flags is not null;
        // data-offset | sample-duration | sample-size [| sample-flags]
        using var trun = w.FullBox("trun", 0, withFlags ? 0x000701u : 0x000301u);
        w.U32((uint)samples.Count);
        var offsetField = w.Position;
        w.U32(0);
        foreach (var (size, flags) in samples)
        {
            w.U32(duration);
            w.U32((uint)size);
            if (withFlags) w.U32(flags!.Value);
        }
        return offsetField;
    }
}
