using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.SecurityTests;

/// <summary>
/// The authorization matrix (endpoint × no key / each role) as the README shows it: the README's table must match the
/// roles declared here, and every cell is checked against the running platform.
/// </summary>
[Collection(SecuredPlatformCollection.Name)]
public sealed class AuthorizationMatrixTests(SecuredPlatform platform)
{
    private const string Marker = "<!-- authorization-matrix";
    private static readonly string?[] Callers = [null, .. Endpoints.Roles];

    [Fact]
    public void The_readme_matrix_lists_every_endpoint_with_the_roles_it_needs()
    {
        var expected = Table(platform.Endpoints);
        var actual = ReadmeTable();
        Assert.True(expected == actual, $"The README's authorization matrix differs from Endpoints.cs. Expected:\n{expected}\nFound:\n{actual}");
    }

    [Fact]
    public async Task Every_endpoint_answers_no_key_401_a_role_without_access_403_and_an_allowed_role_its_success_status()
    {
        var failures = new List<string>();
        var cells = 0;
        foreach (var endpoint in platform.Endpoints)
        {
            foreach (var caller in Callers)
            {
                cells++;
                using var client = platform.Client(caller);
                using var response = await client.SendAsync(endpoint.Request());
                var expected = Expected(endpoint, caller);
                if ((int)response.StatusCode != expected)
                    failures.Add($"{endpoint} as {caller ?? "no key"}: {(int)response.StatusCode}, expected {expected}: {await response.Content.ReadAsStringAsync()}");
                else if (expected is 401 or 403 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{endpoint} as {caller ?? "no key"}: {expected} without a problem body");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} cells wrong:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task Every_operation_in_the_OpenAPI_document_is_in_the_matrix_and_declares_the_key_scheme()
    {
        using var client = platform.Client(null);
        var document = JsonNode.Parse(await client.GetStringAsync("openapi/v1.json"))!;
        Assert.Equal("apiKey", (string?)document["components"]!["securitySchemes"]!["ApiKey"]!["type"]);
        var known = platform.Endpoints.Select(e => e.Key).ToHashSet();
        var missing = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var key = $"{method.ToUpperInvariant()} {path}";
                if (!known.Contains(key)) missing.Add(key);
                else if (operation!["security"] is null && !platform.Endpoints.Single(e => e.Key == key).Anonymous) missing.Add(key + " (no security requirement)");
            }
        }

        Assert.True(missing.Count == 0, "Operations not in the matrix: " + string.Join(", ", missing));
    }

    private static int Expected(Endpoint endpoint, string? caller) =>
        endpoint.Allows(caller) ? endpoint.Success : caller is null ? 401 : 403;

    private static string Cell(Endpoint endpoint, string? caller) => endpoint.Allows(caller) ? "✓" : caller is null ? "401" : "403";

    public static string Table(IEnumerable<Endpoint> endpoints)
    {
        var table = new StringBuilder();
        table.Append("| service | endpoint | no key | ").AppendJoin(" | ", Endpoints.Roles).Append(" |\n");
        table.Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---|", Callers.Length))).Append('\n');
        foreach (var endpoint in endpoints)
            table.Append($"| {endpoint.Service} | `{endpoint.Key}` | ").AppendJoin(" | ", Callers.Select(c => Cell(endpoint, c))).Append(" |\n");
        return table.ToString();
    }

    private static string ReadmeTable()
    {
        var lines = File.ReadAllLines(ReadmePath());
        var start = Array.FindIndex(lines, l => l.StartsWith(Marker, StringComparison.Ordinal));
        Assert.True(start >= 0, $"README.md has no '{Marker}' marker.");
        return string.Concat(lines.Skip(start + 1).TakeWhile(l => l.StartsWith('|')).Select(l => l + "\n"));
    }

    public static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return candidate;
        }

        throw new FileNotFoundException("README.md of the repository not found above the test binaries.");
    }
}
