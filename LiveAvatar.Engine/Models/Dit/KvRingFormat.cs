namespace LiveAvatar.Engine.Models.Dit;

/// <summary>How a KV ring stores its keys and values.</summary>
public enum KvRingFormat
{
    /// <summary>In the dtype the DiT computes in (the original's ring).</summary>
    Compute,

    /// <summary>8-bit codes with a float32 scale per head vector: half of bf16's bytes, each element within half a
    /// step (1/254 of its vector's abs-max); decoded before attention (<see cref="Int8KvRows"/>).</summary>
    Int8,
}
