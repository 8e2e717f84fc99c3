using Platform.Training;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTraining();
builder.AddPlatformMessaging(bus => bus.AddTrainingConsumers());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapTraining();
app.MapDefaultEndpoints();

app.Run();
