namespace LiveAvatar.Web.Tests.Browser;

/// <summary>
/// A test that needs the real generator and a checkpoint behind the server (the demo checkpoint is enough).
/// ./launch-scripts/test.sh makes the demo checkpoint and sets LIVEAVATAR_CKPT_DIR; a bare `dotnet test` without it
/// reports these as skipped, saying how to run them.
/// </summary>
public sealed class GeneratorFactAttribute : FactAttribute
{
    public const string Variable = "LIVEAVATAR_CKPT_DIR";

    public GeneratorFactAttribute()
    {
        var dir = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
            Skip = $"needs a checkpoint: run ./launch-scripts/test.sh (it writes the demo checkpoint and sets {Variable})";
    }
}
