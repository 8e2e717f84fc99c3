using Platform.Ingestion;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIngestion();
builder.AddPlatformMessaging(bus => bus.AddIngestionConsumers());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapIngestion();
app.MapDefaultEndpoints();

app.Run();
