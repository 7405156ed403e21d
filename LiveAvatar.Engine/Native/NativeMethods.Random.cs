using System.Runtime.InteropServices;

namespace LiveAvatar.Engine.Native;

internal static partial class NativeMethods
{
    [DllImport(Lib)] internal static extern int la_fill_random_(TensorHandle t, int kind, ulong seed, double std, double lo);
}
