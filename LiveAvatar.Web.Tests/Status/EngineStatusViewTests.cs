using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Components.Status;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Status;

public class EngineStatusViewTests
{
    [Theory]
    [InlineData(0L, "0.0 GiB")]
    [InlineData(1024L * 1024 * 1024, "1.0 GiB")]
    [InlineData(13_207_024_435L, "12.3 GiB")]
    [InlineData(85_031_714_816L, "79.2 GiB")]
    public void Bytes_are_shown_in_GiB_with_one_decimal(long bytes, string expected)
    {
        Assert.Equal(expected, EngineStatusView.FormatGiB(bytes));
    }

    [Fact]
    public void A_device_line_lists_only_the_memory_figures_it_has()
    {
        var device = new DeviceStatus("cuda:0", "H100", 80 * SampleStatus.GiB, 60 * SampleStatus.GiB, null);

        Assert.Equal("20.0 GiB in use, 60.0 GiB free of 80.0 GiB", EngineStatusView.FormatMemory(device));
    }

    [Fact]
    public void A_device_without_memory_figures_says_so()
    {
        var device = new DeviceStatus("cpu", "CPU", null, null, null);

        Assert.Equal("memory not reported", EngineStatusView.FormatMemory(device));
    }

    [Fact]
    public void A_loaded_engine_shows_version_cuda_devices_and_no_error()
    {
        var view = EngineStatusView.From(SampleStatus.LoadedWithGpu(), SampleStatus.CheckedAt);

        Assert.Equal("Native library loaded", view.NativeHeadline);
        Assert.Null(view.NativeError);
        Assert.Equal("2.5.1", view.Libtorch);
        Assert.Equal("available", view.Cuda);
        Assert.StartsWith("ATen/Parallel:", view.ParallelInfo);
        Assert.Equal(2, view.Devices.Count);
        Assert.Equal(new DeviceLine("cuda:0", "NVIDIA H100 80GB HBM3", "1.0 GiB in use, 78.2 GiB free of 79.2 GiB"),
            view.Devices[1]);
        Assert.Equal("13:14:15", view.CheckedAt);
    }

    [Fact]
    public void A_native_failure_shows_the_error_and_unknown_facts()
    {
        var view = EngineStatusView.From(SampleStatus.NativeMissing("boom"), SampleStatus.CheckedAt);

        Assert.Equal("Native library not loaded", view.NativeHeadline);
        Assert.Equal("boom", view.NativeError);
        Assert.Equal("unknown", view.Libtorch);
        Assert.Equal("unknown", view.ParallelInfo);
        Assert.Equal("not available", view.Cuda);
        Assert.Empty(view.Devices);
    }

    [Fact]
    public void A_native_failure_without_a_message_still_explains_itself()
    {
        var status = SampleStatus.NativeMissing() with { NativeError = null };

        Assert.Equal("no error message was reported", EngineStatusView.From(status, SampleStatus.CheckedAt).NativeError);
    }

    [Fact]
    public void The_install_hint_names_the_set_up_script_and_the_faq()
    {
        Assert.Contains("./launch-scripts/run.sh", EngineStatusView.InstallHint);
        Assert.Contains("FAQ", EngineStatusView.InstallHint);
    }
}
