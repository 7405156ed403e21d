namespace LiveAvatar.Engine.Media;

/// <summary>The fMP4 init segment (ftyp + moov with empty sample tables + mvex): track 1 H.264, track 2 AAC.</summary>
internal static class FragmentedMp4Init
{
    public const uint VideoTrack = 1, AudioTrack = 2;

    public static byte[] Build(int width, int height, byte[] sps, byte[] pps, int videoTimescale, Adts.Track? audio, int audioBitRate)
    {
        var w = new BoxWriter();
        using (w.Box("ftyp"))
        {
            w.FourCc("iso5");
            w.U32(512);
            foreach (var brand in new[] { "iso5", "iso6", "mp41", "avc1" }) w.FourCc(brand);
        }
        using (w.Box("moov"))
        {
            using (w.FullBox("mvhd", 0, 0))
            {
                w.U32(0); w.U32(0); w.U32(1000); w.U32(0); // times, timescale, duration (unknown: fragmented)
                w.U32(0x00010000); w.U16(0x0100); w.Zeros(10);
                w.UnityMatrix();
                w.Zeros(24);
                w.U32(audio is null ? 2u : 3u);
            }
            Track(w, VideoTrack, videoTimescale, "vide", width, height, () => VideoEntry(w, width, height, sps, pps));
            if (audio is not null)
                Track(w, AudioTrack, audio.SampleRate, "soun", 0, 0, () => AudioEntry(w, audio, audioBitRate));
            using (w.Box("mvex"))
            {
                Trex(w, VideoTrack);
                if (audio is not null) Trex(w, AudioTrack);
            }
        }
        return w.ToArray();
    }

    private static void Track(BoxWriter w, uint id, int timescale, string handler, int width, int height, Action sampleEntry)
    {
        using var trak = w.Box("trak");
        using (w.FullBox("tkhd", 0, 3)) // enabled | in movie
        {
            w.U32(0); w.U32(0); w.U32(id); w.U32(0); w.U32(0); w.Zeros(8);
            w.U16(0); w.U16(0); w.U16(handler == "soun" ? 0x0100 : 0); w.U16(0);
            w.UnityMatrix();
            w.U32((uint)width << 16); w.U32((uint)height << 16);
        }
        using var mdia = w.Box("mdia");
        using (w.FullBox("mdhd", 0, 0))
        {
            w.U32(0); w.U32(0); w.U32((uint)timescale); w.U32(0);
            w.U16(0x55C4); w.U16(0); // language "und"
        }
        using (w.FullBox("hdlr", 0, 0))
        {
            w.U32(0); w.FourCc(handler); w.Zeros(12);
            w.Bytes(handler == "vide" ? "VideoHandler\0"u8 : "SoundHandler\0"u8);
        }
        using var minf = w.Box("minf");
        if (handler == "vide")
        {
            using (w.FullBox("vmhd", 0, 1)) w.Zeros(8);
        }
        else
        {
            using (w.FullBox("smhd", 0, 0)) w.Zeros(4);
        }
        using (w.Box("dinf"))
        using (w.FullBox("dref", 0, 0))
        {
            w.U32(1);
            using (w.FullBox("url ", 0, 1)) { } // media is in this file
        }
        using var stbl = w.Box("stbl");
        using (w.FullBox("stsd", 0, 0))
        {
            w.U32(1);
            sampleEntry();
        }
        foreach (var empty in new[] { "stts", "stsc", "stco" })
        {
            using (w.FullBox(empty, 0, 0)) w.U32(0);
        }
        using (w.FullBox("stsz", 0, 0)) { w.U32(0); w.U32(0); }
    }

    private static void VideoEntry(BoxWriter w, int width, int height, byte[] sps, byte[] pps)
    {
        using var avc1 = w.Box("avc1");
        w.Zeros(6); w.U16(1); w.Zeros(16);
        w.U16(width); w.U16(height);
        w.U32(0x00480000); w.U32(0x00480000); w.U32(0); w.U16(1);
        w.Zeros(32); w.U16(0x0018); w.U16(0xFFFF);
        using var avcC = w.Box("avcC");
        w.U8(1); w.U8(sps[1]); w.U8(sps[2]); w.U8(sps[3]);
        w.U8(0xFF); // 4-byte NAL lengths
        w.U8(0xE1); w.U16(sps.Length); w.Bytes(sps);
        w.U8(1); w.U16(pps.Length); w.Bytes(pps);
        if (sps[1] is 100 or 110 or 122 or 144)
        {
            // High-profile extension: 4:2:0, 8-bit, no SPS extensions (x264 with -pix_fmt yuv420p).
            w.U8(0xFD); w.U8(0xF8); w.U8(0xF8); w.U8(0);
        }
    }

    private static void AudioEntry(BoxWriter w, Adts.Track audio, int bitRate)
    {
        using var mp4a = w.Box("mp4a");
        w.Zeros(6); w.U16(1); w.Zeros(8);
        w.U16(audio.Channels); w.U16(16); w.U16(0); w.U16(0);
        w.U32((uint)audio.SampleRate << 16);
        using var esds = w.FullBox("esds", 0, 0);
        var asc = audio.AudioSpecificConfig;
        w.U8(0x03); w.U8(3 + (2 + 13) + (2 + asc.Length) + 3); w.U16((int)AudioTrack); w.U8(0);
        w.U8(0x04); w.U8(13 + 2 + asc.Length);
        w.U8(0x40); w.U8(0x15); w.U24(0); w.U32((uint)bitRate); w.U32((uint)bitRate);
        w.U8(0x05); w.U8(asc.Length); w.Bytes(asc);
        w.U8(0x06); w.U8(1); w.U8(0x02);
    }

    private static void Trex(BoxWriter w, uint track)
    {
        using var trex = w.FullBox("trex", 0, 0);
        w.U32(track); w.U32(1); w.U32(0); w.U32(0); w.U32(0);
    }
}
