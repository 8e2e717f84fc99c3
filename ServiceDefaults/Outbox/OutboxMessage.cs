using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Platform.ServiceDefaults.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the state change that caused it, so the
/// two never diverge. The trace context is kept so that the event continues the trace that caused it.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string MessageType { get; set; }
    public required string Payload { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage For<T>(T message) where T : class
    {
        var activity = Activity.Current;
        return new OutboxMessage
        {
            MessageType = typeof(T).FullName!,
            Payload = JsonSerializer.Serialize(message, Json),
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }
}

public static class OutboxModel
{
    /// <summary>Adds the outbox table to a service's model.</summary>
    public static ModelBuilder AddOutbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(entity =>
        {
            entity.ToTable("outbox_messages");
            entity.HasKey(m => m.Id);
            entity.Property(m => m.MessageType).HasMaxLength(300);
            entity.HasIndex(m => m.DispatchedAt);
        });
        return model;
    }

    /// <summary>
    /// The rows still to publish, in commit (id) order. With <paramref name="createdBy"/>, only those before the first
    /// row created after it: an older row committed after a younger one waits with it, so the order holds.
    /// </summary>
    public static IQueryable<OutboxMessage> Unpublished(this DbContext db, DateTimeOffset? createdBy = null)
    {
        var rows = db.Set<OutboxMessage>();
        var unpublished = rows.Where(m => m.DispatchedAt == null);
        if (createdBy is { } cutoff)
            unpublished = unpublished.Where(m => !rows.Any(young => young.DispatchedAt == null && young.Id <= m.Id && young.CreatedAt > cutoff));
        return unpublished.OrderBy(m => m.Id);
    }

    /// <summary>Queues an event; it is published after <c>SaveChangesAsync</c> commits.</summary>
    public static void AddOutboxMessage<T>(this DbContext db, T message) where T : class =>
        db.Set<OutboxMessage>().Add(OutboxMessage.For(message));
}
