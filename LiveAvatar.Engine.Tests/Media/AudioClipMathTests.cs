using Xunit;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

public class AudioClipMathTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(399, 0)]
    [InlineData(400, 1)]
    [InlineData(16000, 49)]
    [InlineData(160000, 499)]
    public void Wav2vec2_frames_follow_the_conv_stack_floors(long samples, long expected)
    {
        Assert.Equal(expected, AudioClipMath.Wav2Vec2Frames(samples));
    }

    [Theory]
    [InlineData(16000, 48, 1)] // T30 = 29
    [InlineData(160000, 48, 6)] // T30 = 299 → int(299 / 57.6) + 1
    [InlineData(160000, 24, 11)] // int(299 / 28.8) + 1
    [InlineData(400, 48, 1)]
    public void The_clip_count_is_int_of_t30_over_infer_frames_times_1_2_plus_one(long samples, int inferFrames, int expected)
    {
        Assert.Equal(expected, AudioClipMath.ClipCount(samples, inferFrames));
    }

    [Fact]
    public void The_clip_count_grows_by_one_every_57_point_6_interpolated_frames()
    {
        // T30 = 57 → 1 clip, T30 = 58 → 2 clips; T50 = 96 gives T30 57, T50 = 97 gives 58.
        Assert.Equal(57, AudioClipMath.Frames30(96));
        Assert.Equal(58, AudioClipMath.Frames30(97));
        Assert.Equal(1, (int)(57 / (48 * (30 / 25.0))) + 1);
        Assert.Equal(2, (int)(58 / (48 * (30 / 25.0))) + 1);
    }
}
