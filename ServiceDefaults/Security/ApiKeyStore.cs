using System.Buffers;
using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Platform.ServiceDefaults.Security;

/// <summary>A configured key: its id (what audits record), its roles, and the principal requests with it run as.</summary>
public sealed record ApiKeyIdentity(string Id, IReadOnlyList<string> Roles, ClaimsPrincipal Principal)
{
    /// <summary>
    /// The authentication result of a request with this key, built once: the principal and ticket are immutable per key
    /// (the store builds new identities when configuration reloads), so no request allocates them.
    /// </summary>
    public Task<AuthenticateResult> Ticket { get; } = Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principal, ApiKeys.Scheme)));

    public bool Grants(IEnumerable<string> roles) =>
        roles.Contains(ApiKeys.Reader) || Roles.Contains(ApiKeys.Operator) || roles.Any(Roles.Contains);
}

/// <summary>
/// The configured keys, held by SHA-256 hash: a lookup by hash does not leak, through its timing, how much of a guessed
/// key matched, and production configuration never needs the plain key. Re-read when configuration reloads (rotating a
/// key needs no restart). Configuration errors (a bad hash, an unknown role, a key without roles) stop the start-up.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<ApiKeyStore> _logger;
    private volatile State _state = new(FrozenDictionary<string, ApiKeyIdentity>.Empty.ToFrozenDictionary(StringComparer.Ordinal), [], false);

    public ApiKeyStore(IConfiguration configuration, ILogger<ApiKeyStore> logger)
    {
        _configuration = configuration;
        _logger = logger;
        Load();
        ChangeToken.OnChange(configuration.GetReloadToken, Load);
    }

    private sealed record State(FrozenDictionary<string, ApiKeyIdentity> ByHash, IReadOnlyList<string> Errors, bool AllowAnonymous)
    {
        /// <summary>Looks hashes up as spans: a request's key is hashed on the stack, no string per request.</summary>
        public FrozenDictionary<string, ApiKeyIdentity>.AlternateLookup<ReadOnlySpan<char>> ByHashSpan { get; } = ByHash.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>True when at least one key is configured (authentication is on).</summary>
    public bool Enabled => _state.ByHash.Count > 0;

    /// <summary>No key configured and the development switch set: every request passes as <see cref="Anonymous"/>.</summary>
    public bool AnonymousAllowed => !Enabled && _state.AllowAnonymous;

    public IReadOnlyList<string> Errors => _state.Errors;

    public static ApiKeyIdentity Anonymous { get; } = Identity(ApiKeys.AnonymousId, ApiKeys.AllRoles);

    /// <summary>The authentication result of every request in anonymous development mode.</summary>
    public Task<AuthenticateResult> AnonymousTicket => Anonymous.Ticket;

    public IReadOnlyCollection<ApiKeyIdentity> Keys => _state.ByHash.Values;

    /// <summary>The identity of a presented key, or null when no configured key matches.</summary>
    public ApiKeyIdentity? Find(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty) return null;
        Span<char> hex = stackalloc char[2 * SHA256.HashSizeInBytes];
        HashHex(presented, hex);
        return _state.ByHashSpan.TryGetValue(hex, out var identity) ? identity : null;
    }

    /// <summary>For keys carried outside HTTP (a message header): true when the key grants one of the roles.</summary>
    public bool Allows(string? presented, params string[] roles) =>
        AnonymousAllowed || (Find(presented.AsSpan().Trim()) is { } identity && identity.Grants(roles));

    public static string Hash(ReadOnlySpan<char> key)
    {
        Span<char> hex = stackalloc char[2 * SHA256.HashSizeInBytes];
        HashHex(key, hex);
        return new string(hex);
    }

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes into <paramref name="hex"/> (64 chars), without allocating.</summary>
    private static void HashHex(ReadOnlySpan<char> key, Span<char> hex)
    {
        const int OnStack = 256;
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = max > OnStack ? ArrayPool<byte>.Shared.Rent(max) : null;
        var utf8 = rented ?? stackalloc byte[OnStack];
        try
        {
            var length = Encoding.UTF8.GetBytes(key, utf8);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], digest);
            Convert.TryToHexStringLower(digest, hex, out _);
        }
        finally
        {
            // The buffer held a key: cleared before another renter sees it.
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private void Load()
    {
        var errors = new List<string>();
        var byHash = new Dictionary<string, ApiKeyIdentity>(StringComparer.Ordinal);
        foreach (var child in _configuration.GetSection(ApiKeys.ConfigurationSection).GetChildren())
        {
            var (id, hash, roles) = Read(child, errors);
            if (hash is null) continue;
            var parsed = (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => r.ToLowerInvariant()).Distinct().ToArray();
            var unknown = parsed.Where(r => !ApiKeys.AllRoles.Contains(r)).ToList();
            if (parsed.Length == 0) errors.Add($"Key '{id}' has no roles ({ApiKeys.ConfigurationSection}:{id}:Roles).");
            else if (unknown.Count > 0) errors.Add($"Key '{id}' has unknown roles {string.Join(", ", unknown)} (known: {string.Join(", ", ApiKeys.AllRoles)}).");
            else if (!byHash.TryAdd(hash, Identity(id, parsed))) errors.Add($"Key '{id}' is configured twice.");
        }

        _state = new State(byHash.ToFrozenDictionary(StringComparer.Ordinal), errors, _configuration.GetValue<bool>(ApiKeys.AllowAnonymousSetting));
        foreach (var error in errors) _logger.LogError("API key configuration: {Error}", error);
    }

    private static (string Id, string? Hash, string? Roles) Read(IConfigurationSection child, List<string> errors)
    {
        // The first form, Auth:Keys:<key>=<roles>: the id is derived from the hash, so audits never hold the key.
        if (child.Value is { Length: > 0 } legacyRoles && !child.GetChildren().Any())
        {
            var legacyHash = Hash(child.Key);
            return ("key-" + legacyHash[..8], legacyHash, legacyRoles);
        }

        var id = child.Key;
        var plain = child["Key"];
        var hash = child["Hash"]?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(plain)) return (id, Hash(plain), child["Roles"]);
        if (hash is { Length: 64 } && hash.All(Uri.IsHexDigit)) return (id, hash, child["Roles"]);
        errors.Add($"Key '{id}' needs {ApiKeys.ConfigurationSection}:{id}:Hash (64 hex digits of SHA-256) or :Key.");
        return (id, null, null);
    }

    private static ApiKeyIdentity Identity(string id, IReadOnlyList<string> roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, id) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ApiKeyIdentity(id, roles, new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeys.Scheme)));
    }
}

/// <summary>Fail closed: a service with no usable keys does not start, unless the development switch is set.</summary>
public sealed class ApiKeyStartupCheck(ApiKeyStore keys, ILogger<ApiKeyStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.Errors.Count > 0)
            throw new InvalidOperationException("API key configuration is invalid: " + string.Join(" ", keys.Errors));
        if (keys.AnonymousAllowed)
            logger.LogWarning("No API keys configured and {Setting}=true: every request passes with every role (development only)", ApiKeys.AllowAnonymousSetting);
        else if (!keys.Enabled)
            throw new InvalidOperationException(
                $"No API keys configured. Configure {ApiKeys.ConfigurationSection}:<id>:Hash (or :Key) and :Roles, " +
                $"or set {ApiKeys.AllowAnonymousSetting}=true to run without authentication (development only).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
