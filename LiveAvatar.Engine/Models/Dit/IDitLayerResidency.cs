namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Something a DiT forward must bring onto the device layer by layer (streamed weights, KV rows kept in host
/// memory): told before each block runs and once it has been queued.</summary>
public interface IDitLayerResidency
{
    /// <summary>Block <paramref name="index"/>'s data is in place (or queued ahead of it) when this returns.</summary>
    void BeforeBlock(int index);

    /// <summary>Block <paramref name="index"/> has been queued: its slot can be written back and refilled.</summary>
    void AfterBlock(int index);
}
