using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.ServiceDefaults;

/// <summary>The platform's own activity source and meter; every service's spans and instruments hang off these.</summary>
public static class PlatformTelemetry
{
    public const string Name = "Platform";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
}
