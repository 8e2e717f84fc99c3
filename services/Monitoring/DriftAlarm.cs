using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Monitoring.Infrastructure;
using Platform.Monitoring.Model;
using Platform.ServiceDefaults.Outbox;

namespace Platform.Monitoring;

/// <summary>
/// Records a closed window's report and, when it drifted and the <see cref="StormGuard"/> allows, queues
/// <c>DriftDetected</c> in the outbox: report and event are saved by the caller's one <c>SaveChangesAsync</c>, so
/// they cannot diverge (and the caller counts the event in <see cref="DriftMetrics"/> once they are). Data and concept
/// drift share the guard because both start a retrain.
/// </summary>
public sealed class DriftAlarm(MonitoringDbContext db, IOptions<MonitoringOptions> options)
{
    public const string Published = "drift: DriftDetected published";

    public async Task RecordAsync(ReferenceSet reference, WindowReport window, Func<WindowReport, DriftDetected> toEvent, CancellationToken cancellationToken)
    {
        if (window.DatasetDrift)
        {
            var published = await db.Reports.AsNoTracking()
                .Where(r => r.ModelName == reference.ModelName && r.EventPublished)
                .Select(r => new { r.Version, r.CreatedAt })
                .ToListAsync(cancellationToken);
            // Reports queued in this unit of work but not saved yet count too (a batch closing two windows at once).
            var queued = db.ChangeTracker.Entries<WindowReport>()
                .Where(e => e.State == EntityState.Added && e.Entity.ModelName == reference.ModelName && e.Entity.EventPublished)
                .Select(e => new { e.Entity.Version, e.Entity.CreatedAt });
            var events = published.Concat(queued).Select(e => (e.Version, e.CreatedAt)).ToList();
            window.Decision = StormGuard.Check(events, reference.Version, reference.PromotedAt, window.CreatedAt, options.Value) ?? Published;
            window.EventPublished = window.Decision == Published;
        }

        db.Reports.Add(window);
        if (window.EventPublished) db.AddOutboxMessage(toEvent(window));
    }
}
