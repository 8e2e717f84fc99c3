using Platform.Inference;
using Platform.Ingestion;
using Platform.Monitoring;
using Platform.OperatorConsole;
using Platform.Registry;
using Platform.Standalone;
using Platform.Training;

var builder = WebApplication.CreateBuilder(args);
var devApiKey = StandaloneDefaults.Apply(builder.Configuration);

builder.AddServiceDefaults();
builder.AddIngestion();
builder.AddTraining();
builder.AddRegistry();
builder.AddInference();
builder.AddMonitoring();
builder.AddConsole();
builder.AddPlatformMessaging(
    bus => bus.AddIngestionConsumers(),
    bus => bus.AddTrainingConsumers(),
    bus => bus.AddRegistryConsumers(),
    bus => bus.AddInferenceConsumers(),
    bus => bus.AddMonitoringConsumers());

var app = builder.Build();

app.UseRequestLogLine();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapIngestion();
app.MapTraining();
app.MapRegistry();
app.MapInference();
app.MapMonitoring();
app.MapConsole();
app.MapDefaultEndpoints();

if (devApiKey is not null)
{
    app.Logger.LogWarning(
        "Development API key (every role; kept in {File}): {Key}. Send it as 'X-Api-Key'. Configure Auth:Keys to replace it.",
        Path.Combine(builder.Configuration["Standalone:DataPath"] ?? ".platform", StandaloneDefaults.DevKeyFile), devApiKey);
    app.Logger.LogWarning("Console: {Url}", $"{builder.Configuration["urls"]!.Split(';')[0].TrimEnd('/')}{ConsoleRoutes.Login}?t={devApiKey}");
}

app.Run();
