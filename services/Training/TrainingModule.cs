using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Security;
using Platform.Training.Apis;
using Platform.Training.DataPolicy;
using Platform.Training.Infrastructure;
using Platform.Training.IntegrationEvents;
using Platform.Training.Runs;

namespace Platform.Training;

public static class TrainingModule
{
    public static TBuilder AddTraining<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TrainingOptions>().BindConfiguration("Training").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPlatformDbContext<TBuilder, TrainingDbContext>("trainingdb");
        builder.Services.AddSingleton<ArtifactStore>();
        // One per run's scope: the data policy and the champion evaluator see the same production version.
        builder.Services.AddHttpClient(nameof(ChampionArtifact)).AsPlatformServiceClient();
        builder.Services.AddScoped<ChampionArtifact>();
        builder.Services.AddScoped<ChampionEvaluator>();
        builder.Services.AddHttpClient(nameof(RunData)).AsPlatformServiceClient();
        builder.Services.AddScoped<TrainingJob>();
        builder.Services.AddOptions<DataPolicyOptions>().BindConfiguration("Training:DataPolicy").ValidateDataAnnotations().ValidateOnStart();
        // One per run's scope: the rows it loads are what the champion evaluator scores the gate on.
        builder.Services.AddScoped<RunData>();
        builder.Services.AddScoped<RetrainScheduler>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RunProgress>();
        builder.Services.AddOptions<RunLifecycleOptions>().BindConfiguration("Training:Runs").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RunSignal>();
        builder.Services.AddScoped<RunQueue>();
        builder.Services.AddHostedService<RunRunner>();
        builder.Services.AddHttpClient(DatasetReconciler.HttpClientName).AsPlatformServiceClient();
        builder.Services.AddHostedService<DatasetReconciler>();
        return builder;
    }

    public static void AddTrainingConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DatasetUploadedConsumer, TrainingConsumerDefinition<DatasetUploadedConsumer>>();
        bus.AddConsumer<DriftDetectedConsumer, TrainingConsumerDefinition<DriftDetectedConsumer>>();
        bus.AddConsumer<RetrainRequestedConsumer, TrainingConsumerDefinition<RetrainRequestedConsumer>>();
    }

    public static IEndpointRouteBuilder MapTraining(this IEndpointRouteBuilder app)
    {
        app.MapRunsApi();
        return app;
    }
}
