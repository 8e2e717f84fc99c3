using Platform.OperatorConsole;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConsole();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapConsole();
app.MapDefaultEndpoints();

app.Run();
