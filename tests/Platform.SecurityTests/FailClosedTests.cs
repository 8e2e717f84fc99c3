using Platform.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.SecurityTests;

/// <summary>A service's start-up with and without keys: no keys and no development switch is no service.</summary>
public sealed class FailClosedTests
{
    [Fact]
    public async Task A_service_without_keys_refuses_to_start_unless_the_development_switch_is_set()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync([]));
        Assert.Contains("No API keys configured", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:AllowAnonymous=true", refused.Message, StringComparison.Ordinal);

        await using var development = await StartAsync(new() { ["Auth:AllowAnonymous"] = "true" });
        await using var keyed = await StartAsync(new() { ["Auth:Keys:ci:Hash"] = new string('a', 64), ["Auth:Keys:ci:Roles"] = "reader" });
    }

    [Fact]
    public async Task A_key_with_a_malformed_hash_or_an_unknown_role_stops_the_start()
    {
        var badHash = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new() { ["Auth:Keys:ci:Hash"] = "abc", ["Auth:Keys:ci:Roles"] = "reader" }));
        Assert.Contains("Key 'ci' needs Auth:Keys:ci:Hash", badHash.Message, StringComparison.Ordinal);
        var badRole = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new() { ["Auth:Keys:ci:Key"] = "k", ["Auth:Keys:ci:Roles"] = "admin" }));
        Assert.Contains("unknown roles admin", badRole.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Logging:LogLevel:Default"] = "Critical";
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPorts.Free()}");
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
