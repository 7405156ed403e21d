using System.Text;
using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Checkpoints.Pickle;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>Hand-assembled pickles for the restricted unpickler's edge cases.</summary>
public sealed class PickleMachineTests
{
    private static object? Load(string text) => PickleMachine.Load(Encoding.Latin1.GetBytes(text), "f.pth", "archive/data.pkl");

    private static CheckpointFormatException Reject(string text) =>
        Assert.Throws<CheckpointFormatException>(() => Load(text));

    [Fact]
    public void A_torch_global_outside_the_allow_list_is_refused_by_name()
    {
        var e = Reject("\u0080\u0002ctorch\nload\n)R.");
        Assert.Contains("refuses global torch.load", e.Message);
        Assert.Contains("f.pth", e.Message);
    }

    [Fact]
    public void A_stack_global_outside_the_allow_list_is_refused_by_name()
    {
        var e = Reject("\u0080\u0004\u008c\u0002os\u0094\u008c\u0006system\u0094\u0093\u0094.");
        Assert.Contains("refuses global os.system", e.Message);
    }

    [Fact]
    public void The_inst_opcode_is_refused_by_name()
    {
        var e = Reject("(ios\nsystem\n.");
        Assert.Contains("refuses global os.system", e.Message);
    }

    [Fact]
    public void A_pickle_without_stop_is_rejected()
    {
        var e = Reject("\u0080\u0002}q\u0000");
        Assert.Contains("without a STOP", e.Message);
    }

    [Fact]
    public void A_reference_to_an_unset_memo_slot_is_rejected()
    {
        var e = Reject("\u0080\u0002h\u0007.");
        Assert.Contains("memo key 7", e.Message);
    }

    [Fact]
    public void A_truncated_string_is_rejected()
    {
        var e = Reject("\u0080\u0002X\u0010\u0000\u0000\u0000abc");
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Deeply_nested_containers_are_rejected_instead_of_overflowing_the_stack()
    {
        var pickle = "\u0080\u0002" + string.Concat(Enumerable.Repeat("}X\u0001\u0000\u0000\u0000k", 10_000))
                     + string.Concat(Enumerable.Repeat("}s", 1)) + string.Concat(Enumerable.Repeat("s", 9_999)) + ".";
        var path = Path.Combine(Path.GetTempPath(), $"deep-{Guid.NewGuid():N}.pth");
        File.WriteAllBytes(path, HandMadeTorchZip.Zip64(("archive/data.pkl", Encoding.Latin1.GetBytes(pickle))));
        try
        {
            var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(path).Dispose());
            Assert.Contains("nest deeper than 64 levels", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Plain_containers_and_numbers_decode()
    {
        // {'a': [1, 300, 70000, -1], 'b': (True, None, 1.5)}
        var v = Load("\u0080\u0002}(X\u0001\u0000\u0000\u0000a](K\u0001M\u002c\u0001"
                     + "J\u0070\u0011\u0001\u0000J\u00ff\u00ff\u00ff\u00ffeX\u0001\u0000\u0000\u0000b"
                     + "\u0088NG\u003f\u00f8\u0000\u0000\u0000\u0000\u0000\u0000\u0087u.");

        var d = Assert.IsType<PyDict>(v);
        var list = Assert.IsType<PyList>(d.Items[0].Value);
        Assert.Equal(new object?[] { 1L, 300L, 70000L, -1L }, list.Items);
        Assert.Equal(new object?[] { true, null, 1.5 }, Assert.IsType<object?[]>(d.Items[1].Value));
    }
}
