using LiveAvatar.Engine.Diagnostics;

namespace LiveAvatar.Web.Components.Status;

/// <summary>Reads the engine status off the render thread and keeps the latest result for the panel.</summary>
public sealed class EngineStatusPanelState(IEngineStatusProvider provider, TimeProvider time)
{
    public EngineStatusView? View { get; private set; }
    public string? Error { get; private set; }
    public bool IsChecking { get; private set; }
    public int CheckCount { get; private set; }

    public async Task RefreshAsync()
    {
        if (IsChecking) return;
        IsChecking = true;
        try
        {
            // Loading libtorch and querying CUDA can take seconds; keep the circuit responsive meanwhile.
            EngineStatus status = await Task.Run(provider.GetStatus);
            View = EngineStatusView.From(status, time.GetLocalNow());
            Error = null;
        }
        catch (Exception e)
        {
            // A failing probe is itself the status worth showing; it must not tear down the page's circuit.
            Error = $"Reading the engine status failed: {e.Message}";
        }
        finally
        {
            IsChecking = false;
            CheckCount++;
        }
    }
}
