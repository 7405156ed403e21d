using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>Runs <see cref="TorchFixtureScript"/> once per test class. Missing python3-torch is a failure, not a
/// skip: these tests are the only check that we read what torch really writes.</summary>
public sealed class TorchFixture : IDisposable
{
    private readonly TempFolder _tmp = new();

    public TorchFixture()
    {
        var script = _tmp.File("make_fixtures.py");
        System.IO.File.WriteAllText(script, TorchFixtureScript.Source);
        var (code, stdout, stderr) = Run(Python, script, _tmp.Path);
        if (stderr.Contains("No module named 'torch'") || stderr.Contains("No module named 'numpy'"))
            throw new InvalidOperationException(
                $"{Python} cannot import torch. Install Debian's python3-torch (apt-get install python3-torch python3-numpy). {stderr}");
        if (code != 0) throw new InvalidOperationException($"fixture script failed ({code}): {stdout}{stderr}");
        Expected = JsonDocument.Parse(System.IO.File.ReadAllText(File("expected.json")));
    }

    /// <summary>Debian's interpreter is the one with python3-torch; a pyenv python3 on PATH usually lacks it.</summary>
    public static string Python => System.IO.File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public string Dir => _tmp.Path;
    public JsonDocument Expected { get; }

    public string File(string name) => _tmp.File(name);

    public byte[] ExpectedBytes(string tensor) => System.IO.File.ReadAllBytes(File(tensor + ".bin"));

    public IEnumerable<JsonProperty> ExpectedTensors =>
        Expected.RootElement.EnumerateObject().Where(p => !p.Name.StartsWith("__", StringComparison.Ordinal));

    public void Dispose()
    {
        Expected.Dispose();
        _tmp.Dispose();
    }

    private static (int Code, string Stdout, string Stderr) Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}
