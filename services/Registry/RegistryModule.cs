using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Security;
using Platform.Registry.Apis;
using Platform.Registry.Gate;
using Platform.Registry.Infrastructure;
using Platform.Registry.IntegrationEvents;
using Platform.Registry.Reconciliation;

namespace Platform.Registry;

public static class RegistryModule
{
    public static TBuilder AddRegistry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<RegistryOptions>().BindConfiguration("Registry").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPlatformDbContext<TBuilder, RegistryDbContext>("registrydb");
        builder.Services.AddSingleton<ArtifactStore>();
        builder.Services.AddSingleton<PromotionPolicy>();
        builder.Services.AddHttpClient<ModelRegistrar>().AsPlatformServiceClient();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(RunReconciler.HttpClientName).AsPlatformServiceClient();
        builder.Services.AddHostedService<RunReconciler>();
        return builder;
    }

    public static void AddRegistryConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ModelTrainedConsumer, ModelTrainedConsumerDefinition>();

    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder app)
    {
        app.MapModelsApi();
        return app;
    }
}
