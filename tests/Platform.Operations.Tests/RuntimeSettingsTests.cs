using System.Text.Json;

namespace Platform.Operations.Tests;

/// <summary>
/// The GC settings the serving hosts were measured with (README "Serving performance") are in the runtime
/// configuration they start with, where an SDK or project-file change could silently drop them.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("Platform.Standalone", true)]
    [InlineData("Platform.Inference", true)]
    [InlineData("Platform.Monitoring", false)]
    public void A_serving_host_keeps_objects_under_1_MB_off_the_large_object_heap(string host, bool withoutDatas)
    {
        var settings = Settings(host);

        Assert.Equal(1_048_576, settings.GetProperty("System.GC.LOHThreshold").GetInt32());
        if (withoutDatas) Assert.Equal(0, settings.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }

    /// <summary>The <c>configProperties</c> of the host's runtimeconfig.json, copied next to the tests with its assembly.</summary>
    private static JsonElement Settings(string host)
    {
        var path = Path.Combine(AppContext.BaseDirectory, $"{host}.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is not there: does this test project still reference {host}?");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
