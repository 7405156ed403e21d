namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>
/// How FP8 layers quantise a tensor per tensor. The reference way (the original's order of operations) widens to
/// float32, multiplies by the scale, clamps and casts: with |x| and its amax, six full passes over every activation,
/// about 81 ms of a 224 ms FP8 DiT forward on an H200 (docs/benchmarks.md). The fast way gives the same bytes in one
/// reduction and two passes (<see cref="Native.Float8.AbsMax"/>, <see cref="Native.Float8.QuantizeE4M3AmaxScaled"/>);
/// `selftest` checks the equality on a GPU. Off until that check and its speed have been measured on one:
/// LIVEAVATAR_FP8_QUANT=fast turns it on, `bench dit --fp8 --fp8_quant fast` measures it.
/// </summary>
public static class Fp8Quantisation
{
    public static bool Fast { get; set; } =
        string.Equals(Environment.GetEnvironmentVariable("LIVEAVATAR_FP8_QUANT"), "fast", StringComparison.OrdinalIgnoreCase);
}
