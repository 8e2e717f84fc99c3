using Platform.Monitoring;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMonitoring();
builder.AddPlatformMessaging(bus => bus.AddMonitoringConsumers());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapMonitoring();
app.MapDefaultEndpoints();

app.Run();
