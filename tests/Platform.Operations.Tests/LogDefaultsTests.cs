using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults;

namespace Platform.Operations.Tests;

/// <summary>Every service's default log levels: the framework's per-request lines off, configuration still wins.</summary>
public sealed class LogDefaultsTests
{
    [Fact]
    public void A_service_logs_no_framework_line_per_request_but_its_own_information_and_the_frameworks_warnings()
    {
        using var app = Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.registry.LogicalHandler").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Platform.Inference.Serving.ModelCatalog").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Configuration_overrides_the_defaults()
    {
        using var app = Build(
            "--Logging:LogLevel:Microsoft.AspNetCore=Information",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Debug");
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void Configuration_set_before_the_defaults_is_kept()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Notifications:Webhook:Events:0"] = "model.promoted";
        builder.AddServiceDefaults();
        using var app = builder.Build();

        Assert.Equal("model.promoted", app.Configuration["Notifications:Webhook:Events:0"]);
    }

    private static WebApplication Build(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
