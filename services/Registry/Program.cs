using Platform.Registry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRegistry();
builder.AddPlatformMessaging(bus => bus.AddRegistryConsumers());

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapRegistry();
app.MapDefaultEndpoints();

app.Run();
