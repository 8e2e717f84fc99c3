using MassTransit;
using Platform.ServiceDefaults.Security;
using Platform.Training.Apis;
using Platform.Training.Infrastructure;
using Platform.Training.IntegrationEvents;

namespace Platform.Training;

public static class TrainingModule
{
    public static TBuilder AddTraining<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TrainingOptions>().BindConfiguration("Training").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPlatformDbContext<TBuilder, TrainingDbContext>("trainingdb");
        builder.Services.AddSingleton<ArtifactStore>();
        builder.Services.AddHttpClient<ChampionEvaluator>().AsPlatformServiceClient();
        builder.Services.AddHttpClient<TrainingJob>().AsPlatformServiceClient();
        builder.Services.AddSingleton<RunProgress>();
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
