using LiveAvatar.Engine.Models.Fp8;

namespace LiveAvatar.Engine.Tests.Models.Fp8;

public sealed class Fp8MathTests
{
    [Theory]
    [InlineData(2f, 224f)]          // 448 / 2
    [InlineData(448f, 1f)]          // the largest value maps onto itself
    [InlineData(896f, 0.5f)]
    [InlineData(0.5f, 448f)]        // 896 clamps to 448: small tensors are not blown up past the grid's fine end
    [InlineData(0f, 448f)]          // all-zero tensor: amax floors at 1e-12, the scale still clamps to 448
    public void Weight_scale_is_448_over_amax_clamped_to_448_and_its_reciprocal_is_stored(float amax, float expected)
    {
        var (scale, inverse) = Fp8Math.Scale(amax);
        Assert.Equal(expected, scale);
        Assert.Equal(1f / expected, inverse);
    }

    [Theory]
    [InlineData(0.1f, 0.1015625f)]       // 2⁻⁴·1.6 → mantissa 1.625
    [InlineData(300f, 288f)]             // step 32 in [256, 512): 288 is nearer than 320
    [InlineData(448f, 448f)]
    [InlineData(-1.0625f, -1f)]          // tie between 1.0 and 1.125 goes to the even mantissa
    [InlineData(1.1875f, 1.25f)]         // tie between 1.125 and 1.25 goes to the even mantissa
    [InlineData(17f, 16f)]               // step 2 in [16, 32), tie to even
    [InlineData(0.001f, 0.001953125f)]   // subnormal: step 2⁻⁹
    [InlineData(0.0009765625f, 0f)]      // half a subnormal step rounds to zero (even)
    [InlineData(0.0146484375f, 0.015625f)] // 7.5 subnormal steps → 8 = the smallest normal 2⁻⁶
    public void E4M3_rounding_matches_hand_computed_values(float value, float expected) =>
        Assert.Equal(expected, Fp8Math.RoundToE4M3(value));

    [Fact]
    public void A_weight_tensor_quantises_to_the_grid_and_dequantises_within_half_a_step()
    {
        float[] w = [3f, -1f, 0.25f, 0f];
        var (scale, inverse) = Fp8Math.Scale(w.Max(MathF.Abs));       // 448 / 3 = 149.33
        var q = w.Select(v => Fp8Math.Quantize(v, scale)).ToArray();

        // 3·149.33 = 448; 149.33 → 144 (step 16); 37.33 → 36 (step 4); 0 stays 0
        Assert.Equal([448f, -144f, 36f, 0f], q);
        var back = q.Select(v => v * inverse).ToArray();
        Assert.Equal(3f, back[0], 5);
        Assert.Equal(-0.964286f, back[1], 5);
        Assert.Equal(0.241071f, back[2], 5);
    }

    [Fact]
    public void Values_past_the_range_saturate_at_448_after_the_clamp() =>
        Assert.Equal(-448f, Fp8Math.Quantize(-10f, 448f));
}
