using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Common;

/// <summary>Receives an intermediate tensor of a forward, named by its dotted path from the hooked module.</summary>
public delegate void ProbeHook(string name, Tensor value);

/// <summary>
/// Debug probes from outside: a parity runner hooks a named module, and every module below it reports its
/// intermediates by their dotted path from there (<c>blocks.3.self_attn.norm_q.out</c> on the model). Forwards take
/// no probe argument; a module with no hook above it skips the reporting work (<see cref="IsProbed"/>).
/// </summary>
public abstract partial class Module
{
    private Module? _parent;
    private string _name = "";
    private List<ProbeHook>? _probeHooks;

    /// <summary>Calls <paramref name="hook"/> with every intermediate this module and its descendants report, until
    /// the returned handle is disposed. The hook must copy what it keeps: values belong to the forward's scope.</summary>
    public IDisposable AddProbeHook(ProbeHook hook)
    {
        (_probeHooks ??= []).Add(hook);
        return new HookRegistration(this, hook);
    }

    /// <summary>True when a hook on this module or an ancestor listens (reports that cost work check it first).</summary>
    protected bool IsProbed
    {
        get
        {
            for (var m = this; m is not null; m = m._parent)
                if (m._probeHooks is { Count: > 0 }) return true;
            return false;
        }
    }

    /// <summary>Hands <paramref name="value"/> to every hook above, named relative to the hooked module.</summary>
    protected void Report(string point, Tensor value)
    {
        var path = point;
        for (var m = this; m is not null; m = m._parent)
        {
            if (m._probeHooks is { Count: > 0 } hooks)
                foreach (var h in hooks.ToArray()) h(path, value);
            if (m._parent is not null) path = m._name + "." + path;
        }
    }

    private sealed class HookRegistration(Module owner, ProbeHook hook) : IDisposable
    {
        public void Dispose() => owner._probeHooks?.Remove(hook);
    }
}
