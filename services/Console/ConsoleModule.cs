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
        builder.Services.AddRazorComponents();
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

    /// <summary>The pages (static server rendering), the login endpoints and the login check for every page.</summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ConsoleRoutes.Base), console => console.UseMiddleware<LoginRequired>());
        app.UseAntiforgery();
        app.MapConsoleLogin();
        app.MapRazorComponents<App>().AllowAnonymous();
        return app;
    }
}
