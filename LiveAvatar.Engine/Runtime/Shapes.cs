namespace LiveAvatar.Engine.Runtime;

/// <summary>Shapes in error messages, written as PyTorch prints them.</summary>
public static class Shapes
{
    public static string Describe(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
