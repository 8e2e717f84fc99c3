using Microsoft.Extensions.DependencyInjection.Extensions;
using MassTransit;
using Platform.ServiceDefaults.Security;
using Platform.Monitoring.Apis;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.IntegrationEvents;

namespace Platform.Monitoring;

public static class MonitoringModule
{
    public static TBuilder AddMonitoring<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<MonitoringOptions>().BindConfiguration("Monitoring").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPlatformDbContext<TBuilder, MonitoringDbContext>("monitoringdb");
        // In the embedded default Inference publishes PredictionsLogged in this process: the queue between them is bounded.
        builder.AddInProcessBacklog();
        builder.Services.AddScoped<DriftMonitor>();
        builder.Services.AddScoped<QualityMonitor>();
        builder.Services.AddScoped<DriftAlarm>();
        builder.Services.AddScoped<LabelledRowSubmitter>();
        builder.Services.AddScoped<FeedbackRecorder>();
        builder.Services.AddSingleton<DriftMetrics>();
        builder.Services.AddSingleton<WindowGate>();
        builder.Services.AddHostedService<WindowSweeper>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<ReferenceLoader>().AsPlatformServiceClient();
        builder.Services.AddHttpClient(nameof(ReferenceReconciler)).AsPlatformServiceClient();
        builder.Services.AddSingleton<ReferenceReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReferenceReconciler>());
        return builder;
    }

    public static void AddMonitoringConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ModelPromotedConsumer, ModelPromotedConsumerDefinition>();
        bus.AddConsumer<PredictionsLoggedConsumer, PredictionsLoggedConsumerDefinition>();
        bus.AddConsumer<DatasetAcceptedConsumer, DatasetAcceptedConsumerDefinition>();
        bus.AddConsumer<DatasetRejectedConsumer, DatasetRejectedConsumerDefinition>();
        bus.AddConsumer<RetrainAwaitingDataConsumer, RetrainAwaitingDataConsumerDefinition>();
    }

    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app)
    {
        app.MapDriftApi();
        app.MapFeedbackApi();
        return app;
    }
}
