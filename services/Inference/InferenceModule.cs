using MassTransit;
using Platform.ServiceDefaults.Security;
using Platform.Inference.Apis;
using Platform.Inference.IntegrationEvents;
using Platform.Inference.Serving;

namespace Platform.Inference;

public static class InferenceModule
{
    public static TBuilder AddInference<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration("Inference").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<PredictionLog>();
        // Before the publisher and the server: the spool opens (and replays) before anything reads or writes the log.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PredictionLog>());
        builder.Services.AddSingleton<PredictAllowance>();
        builder.Services.AddHttpClient<ModelLoader>().AsPlatformServiceClient();
        builder.Services.AddHttpClient(nameof(PinnedModels)).AsPlatformServiceClient();
        builder.Services.AddHttpClient(nameof(RegistryReconciler)).AsPlatformServiceClient();
        builder.Services.AddSingleton<PinnedModels>();
        builder.Services.AddSingleton<RegistryReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RegistryReconciler>());
        builder.Services.AddHostedService<PredictionLogPublisher>();
        builder.Services.AddHealthChecks().AddCheck<ModelsLoadedCheck>("models-loaded", tags: [Extensions.ReadyTag]);
        return builder;
    }

    public static void AddInferenceConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ModelPromotedConsumer, ModelPromotedConsumerDefinition>();

    public static IEndpointRouteBuilder MapInference(this IEndpointRouteBuilder app)
    {
        app.MapPredictApi();
        app.MapOpenInferenceApi();
        return app;
    }
}
