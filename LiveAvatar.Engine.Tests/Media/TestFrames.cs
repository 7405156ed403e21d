namespace LiveAvatar.Engine.Tests.Media;

/// <summary>Synthetic RGB24 frames: red encodes the frame index, green a horizontal ramp.</summary>
internal static class TestFrames
{
    public static byte[] Frame(int i, int w = 128, int h = 64)
    {
        var f = new byte[w * h * 3];
        for (var p = 0; p < w * h; p++)
        {
            f[p * 3] = (byte)(i * 8);
            f[p * 3 + 1] = (byte)(p % w * 2);
            f[p * 3 + 2] = 90;
        }
        return f;
    }

    public static List<byte[]> Range(int first, int count, int w = 128, int h = 64) =>
        Enumerable.Range(first, count).Select(i => Frame(i, w, h)).ToList();
}
