using Platform.Ml.Data;

namespace Platform.Ingestion;

/// <summary>
/// The upload's <c>kinds=col:kind,...</c> option: kinds the uploader sets for some columns of a first version (or of
/// <c>schema=new</c>) instead of inferring them, e.g. a numeric-looking code made categorical. Recorded in the schema.
/// </summary>
public static class ColumnKindOverrides
{
    public const string Syntax = "kinds is a comma-separated list of column:kind, with kind numeric, categorical or boolean (e.g. kinds=sex:categorical,age:numeric).";

    /// <summary>Parses the option; null (no option) gives an empty map. The error says what is wrong, for a problem details answer.</summary>
    public static bool TryParse(string? value, out IReadOnlyDictionary<string, ColumnKind> kinds, out string? error)
    {
        var parsed = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        kinds = parsed;
        error = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // The kind follows the last colon: a column name may hold a colon, a kind never does.
            var colon = entry.LastIndexOf(':');
            var column = colon > 0 ? entry[..colon].Trim() : "";
            var kindName = colon > 0 ? entry[(colon + 1)..].Trim() : "";
            if (column.Length == 0 || !ColumnKindNames.TryParse(kindName.ToLowerInvariant(), out var kind))
            {
                error = $"'{entry}' is not column:kind. {Syntax}";
                return false;
            }

            if (!parsed.TryAdd(column, kind))
            {
                error = $"The column '{column}' is given a kind twice. {Syntax}";
                return false;
            }
        }

        return true;
    }

    /// <summary>What the requested kinds cannot mean for this file: a column it does not have, or a kind the established schema fixes otherwise.</summary>
    public static string? Conflict(IReadOnlyDictionary<string, ColumnKind> kinds, IReadOnlyList<string> columns, IReadOnlyList<Contracts.ColumnInfo>? contract)
    {
        if (kinds.Keys.FirstOrDefault(k => !columns.Contains(k, StringComparer.Ordinal)) is { } unknown)
            return $"kinds names the column '{unknown}', which the file does not have.";
        if (contract is null) return null;
        foreach (var (column, kind) in kinds)
        {
            var fixedKind = contract.FirstOrDefault(c => c.Name == column)?.Kind;
            if (fixedKind is not null && fixedKind != kind.ToWireName())
                return $"'{column}' is {fixedKind} in the established schema; kinds may change it only with schema=new.";
        }

        return null;
    }
}
