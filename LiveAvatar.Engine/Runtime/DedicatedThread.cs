namespace LiveAvatar.Engine.Runtime;

/// <summary>
/// Runs tensor work on a background thread of its own and reports its end as a task. Dispose scopes are per thread,
/// so a sampler that lives for a whole job must not hop between pool threads across awaits.
/// </summary>
public static class DedicatedThread
{
    /// <param name="finished">Runs on that thread after <paramref name="work"/>, whether it succeeded or threw
    /// (e.g. completing the channel the work writes to).</param>
    public static Task Run(string name, Action work, Action? finished = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e) { done.SetException(e); }
            finally { finished?.Invoke(); }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }
}
