namespace LiveAvatar.Engine.Media;

/// <summary>torchvision CenterCrop on a resized RGB24 image, fused with ToTensor and the ×2−1 scaling.</summary>
internal static class CenterCrop
{
    public static float[] ToChw(byte[] rgb, int srcW, int srcH, int outW, int outH)
    {
        var offX = Offset(srcW, outW);
        var offY = Offset(srcH, outH);
        var plane = outW * outH;
        var chw = new float[3 * plane];
        // Pixels outside the source are torchvision's zero padding, which becomes -1 after ×2−1.
        Array.Fill(chw, -1f);
        for (var y = 0; y < outH; y++)
        {
            var sy = y + offY;
            if (sy < 0 || sy >= srcH) continue;
            for (var x = 0; x < outW; x++)
            {
                var sx = x + offX;
                if (sx < 0 || sx >= srcW) continue;
                var s = (sy * srcW + sx) * 3;
                var d = y * outW + x;
                for (var c = 0; c < 3; c++) chw[c * plane + d] = rgb[s + c] / 255f * 2f - 1f;
            }
        }
        return chw;
    }

    /// <summary>
    /// Source coordinate of output 0. Growing pads floor((out−in)/2) before; shrinking crops round((in−out)/2),
    /// Python's round (half to even), which is also .NET's default.
    /// </summary>
    internal static int Offset(int source, int output) =>
        output > source ? -((output - source) / 2) : (int)Math.Round((source - output) / 2.0);
}
