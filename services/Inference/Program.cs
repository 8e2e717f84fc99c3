using Platform.Inference;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddInference();
builder.AddPlatformMessaging(bus => bus.AddInferenceConsumers());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapInference();
app.MapDefaultEndpoints();

app.Run();
