namespace LiveAvatar.Engine.Tests.TestSupport;

/// <summary>Finds the golden fixtures: $LIVEAVATAR_GOLDEN, else ../shared/golden beside the repository root (the layout
/// CI and developers share).</summary>
public static class GoldenPaths
{
    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "LiveAvatar.sln"))) return d.FullName;
            throw new InvalidOperationException("repository root (LiveAvatar.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("LIVEAVATAR_GOLDEN");
            if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
            var g = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden"));
            return Directory.Exists(g) ? g
                : throw new DirectoryNotFoundException($"golden fixtures not found at {g}; set LIVEAVATAR_GOLDEN to the shared/golden folder");
        }
    }

    public static string Folder(string name) => Path.Combine(Root, name);
}
