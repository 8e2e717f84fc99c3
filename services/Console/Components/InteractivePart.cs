using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Platform.OperatorConsole.Login;

namespace Platform.OperatorConsole.Components;

/// <summary>
/// The base of a part of a page that runs in a Blazor Server circuit (live progress, sorting, window selection). The
/// page around it stays server-rendered: the part is prerendered with the page, readable without a circuit, and
/// takes over once the circuit is up. The user's key travels from the prerender to the circuit in the page's
/// component state, which Blazor protects with data protection like the login cookie.
/// </summary>
public abstract class InteractivePart : ComponentBase, IDisposable
{
    private readonly Dictionary<string, object> _kept = [];
    private PersistingComponentStateSubscription _persisting;

    [Inject] private PersistentComponentState State { get; set; } = null!;
    [Inject] protected ConsoleSession Session { get; set; } = null!;

    private string StateKey => "console-key:" + GetType().Name;

    /// <summary>Whether this render runs in the circuit (then the part reacts to the user) rather than in the prerender.</summary>
    protected bool Live => RendererInfo.IsInteractive;

    protected override void OnInitialized()
    {
        if (State.TryTakeFromJson<string>(StateKey, out var key) && key is not null) Session.UseCircuitKey(key);
        _persisting = State.RegisterOnPersisting(() =>
        {
            if (Session.Key is { } current) State.PersistAsJson(StateKey, current);
            foreach (var (name, value) in _kept) State.PersistAsJson(StateKey + ":" + name, value);
            return Task.CompletedTask;
        }, RenderMode.InteractiveServer);
    }

    /// <summary>
    /// What the prerender loaded, handed to the circuit with the page: the circuit's first render then shows the same
    /// rows instead of an empty part while it reads them again. For small reads only: it travels inside the page.
    /// </summary>
    protected async Task<T> PrerenderedAsync<T>(string name, Func<Task<T>> load) where T : class
    {
        if (State.TryTakeFromJson<T>(StateKey + ":" + name, out var kept) && kept is not null) return kept;
        var value = await load();
        if (!Live) _kept[name] = value;
        return value;
    }

    public virtual void Dispose()
    {
        _persisting.Dispose();
        GC.SuppressFinalize(this);
    }
}
