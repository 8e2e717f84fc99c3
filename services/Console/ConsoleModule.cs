using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.OperatorConsole.Api;
using Platform.OperatorConsole.Components;
using Platform.OperatorConsole.Drafts;
using Platform.OperatorConsole.Login;

namespace Platform.OperatorConsole;

/// <summary>
/// The operator console: server-rendered Razor components under <c>/console</c> that read and act only through the
/// services' public HTTP APIs, as the logged-in user. Mounted by the embedded default and by its own Program.cs.
/// </summary>
public static class ConsoleModule
{
    public static TBuilder AddConsole<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration("Console").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // The Blazor script is a static web asset (.NET 10): from a build's output (the embedded default run with dotnet
        // run or from bin/, in any environment) it is found through the runtime manifest; a published app has it on disk.
        if (builder is WebApplicationBuilder web) StaticWebAssetsLoader.UseStaticWebAssets(web.Environment, web.Configuration);
        builder.Services.AddAntiforgery();
        builder.Services.AddDataProtection();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<LoginCookie>();
        builder.Services.AddScoped<ConsoleSession>();
        builder.Services.AddSingleton<DraftStore>();
        builder.Services.AddSingleton<Serving.ServingStats>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        Client<RegistryClient>(builder, "registry");
        Client<TrainingClient>(builder, "training");
        Client<IngestionClient>(builder, "ingestion");
        Client<MonitoringClient>(builder, "monitoring");
        Client<InferenceClient>(builder, "inference");
        return builder;
    }

    private static void Client<TClient>(IHostApplicationBuilder builder, string service) where TClient : class =>
        builder.Services.AddHttpClient<TClient>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.Services[service]);

    /// <summary>
    /// The pages (static server rendering, with interactive server parts), the login endpoints and the login check for
    /// every page. The Blazor script (/_framework) and the circuits' hub (/_blazor) need no key: a circuit only runs the
    /// parts a logged-in page rendered, with that page's key.
    /// </summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ConsoleRoutes.Base), console => console.UseMiddleware<LoginRequired>());
        app.UseAntiforgery();
        app.MapConsoleLogin();
        // A host without the build's static-asset manifest (a host that is not the entry project) would fail to
        // start on MapStaticAssets: its pages then render without their interactive parts, and it says so.
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{app.Environment.ApplicationName}.staticwebassets.endpoints.json");
        if (File.Exists(manifest)) app.MapStaticAssets().AllowAnonymous().ExcludeFromDescription();
        else app.Logger.LogWarning("No {Manifest}: the console's interactive parts (live progress, sorting, window selection) stay static", manifest);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous();
        return app;
    }
}
