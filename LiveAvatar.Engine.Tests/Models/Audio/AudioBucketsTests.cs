using LiveAvatar.Engine.Models.Audio;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Audio;

[Collection(TorchCollection.Name)]
public sealed class AudioBucketsTests
{
    [Fact]
    public void At_25_fps_frame_k_takes_the_30_hz_row_nearest_to_1_point_2_k()
    {
        var idx = AudioBuckets.GetSampleIndices(30, 100, 25, 10);

        Assert.Equal([0L, 1, 2, 4, 5, 6, 7, 8, 10, 11], idx);
    }

    [Fact]
    public void Exact_halves_round_to_even_as_numpy_does()
    {
        // At 16 fps frame k sits at 1.875·k: k = 4 → 7.5 → 8, k = 12 → 22.5 → 22.
        var idx = AudioBuckets.GetSampleIndices(30, 100, 16, 13);

        Assert.Equal(8, idx[4]);
        Assert.Equal(22, idx[12]);
    }

    [Fact]
    public void Clip_count_follows_int_of_frames_over_clip_length_plus_one()
    {
        Assert.Equal(1, AudioBuckets.NumRepeat(29, 25, 48));
        Assert.Equal(1, AudioBuckets.NumRepeat(57, 25, 48));
        Assert.Equal(2, AudioBuckets.NumRepeat(58, 25, 48));
        Assert.Equal(3, AudioBuckets.NumRepeat(29, 25, 12));
    }

    [Fact]
    public void Frames_past_the_audio_are_zero_and_the_others_copy_their_source_row_for_every_layer()
    {
        using var scope = torch.NewDisposeScope();
        var z = torch.arange(0, 2 * 10 * 3, dtype: ScalarType.Float32).reshape(2, 10, 3) + 1;

        var bucket = AudioBuckets.GetAudioEmbedBucketFps(z, 25, 12);
        var emb = AudioBuckets.ToDitLayout(bucket.Embeddings);

        Assert.Equal(1, bucket.NumRepeat);
        Assert.Equal([12L, 2, 3], bucket.Embeddings.shape);
        Assert.Equal([1L, 2, 3, 12], emb.shape);
        for (var k = 0; k < 12; k++)
        {
            var row = bucket.Embeddings.select(0, k);
            var src = bucket.SourceIndex[k];
            if (src >= 10) Assert.Equal(0, row.abs().amax().ToDouble());
            else Assert.Equal(0, TensorAssert.MaxAbsDiff(row, z.select(1, src)));
        }
    }

    [Fact]
    public void With_m_neighbours_each_frame_concatenates_the_rows_a_stride_apart_clamped_at_the_ends()
    {
        using var scope = torch.NewDisposeScope();
        var z = torch.arange(0, 7, dtype: ScalarType.Float32).reshape(1, 7, 1);

        var bucket = AudioBuckets.GetAudioEmbedBucketFps(z, 15, 4, m: 1);

        // 15 fps → stride 2, frame k at row 2k; neighbours 2k−2 and 2k+2, clamped to [0, 6].
        Assert.Equal([4L, 1, 3], bucket.Embeddings.shape);
        Assert.Equal([0f, 0, 2, 0, 2, 4, 2, 4, 6, 4, 6, 6], HostArrays.Read<float>(bucket.Embeddings));
    }

    [Fact]
    public void Linear_interpolation_keeps_both_ends_and_yields_three_fifths_of_the_frames()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(0, 50, dtype: ScalarType.Float32).reshape(1, 50, 1);

        var y = AudioEncoder.LinearInterpolation(x);

        Assert.Equal([1L, 30, 1], y.shape);
        var v = HostArrays.Read<float>(y);
        Assert.Equal(0f, v[0]);
        Assert.Equal(49f, v[29]);
        Assert.Equal(49.0 / 29, v[1], 5);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Interpolation_in_chunks_equals_one_pass(ScalarType dtype)
    {
        // 1,001 source frames at 50 Hz → 600 at 30 Hz in chunks of 7 (the last one short), against one chunk.
        using var scope = torch.NewDisposeScope();
        var x = Noise.Randn([3, 1001, 16], 4).to(dtype);
        var whole = AudioEncoder.LinearInterpolation(x, chunkFrames: int.MaxValue);
        var chunked = AudioEncoder.LinearInterpolation(x, chunkFrames: 7);
        Assert.Equal([3L, 600, 16], chunked.shape);
        Assert.Equal(dtype, chunked.dtype);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(whole, chunked));
    }

    [Fact]
    public void Waveform_normalisation_gives_zero_mean_and_unit_variance()
    {
        var samples = Enumerable.Range(0, 1000).Select(i => (float)(0.3 * Math.Sin(i * 0.1) + 0.05)).ToArray();

        var n = AudioEncoder.NormalizeWaveform(samples);

        Assert.Equal(0, n.Average(), 5);
        Assert.Equal(1, n.Select(v => (double)v * v).Average(), 4);
    }
}
