using System.Buffers;
using System.Globalization;
using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ml.Data;
using Platform.Ml.Data.Profiling;

namespace Platform.Ingestion.Validation;

/// <summary>The schema a new version must keep: the newest version's columns, target and task.</summary>
public sealed record SchemaContract(int SchemaVersion, int FromVersion, IReadOnlyList<ColumnInfo> Columns, string Target, string Task);

/// <param name="Staged">The submitted bytes.</param>
/// <param name="Base">For an append, the bytes of the version appended to (its header fixes the column order).</param>
/// <param name="Contract">The established schema, or null for a first version or a new schema version.</param>
/// <param name="Kinds">Kinds set by the uploader (kinds=): used instead of inferring them where the contract has none.</param>
public sealed record ValidationRequest(
    ContentStore.StagedContent Staged,
    string? BasePath,
    SchemaContract? Contract,
    string Target,
    BadRowPolicy Policy,
    IReadOnlyDictionary<string, ColumnKind>? Kinds = null);

/// <param name="Output">The bytes to store: the submitted file itself, or a rewritten one (append, dropped rows); null when rejected.</param>
public sealed record ValidationResult(
    ProblemReport Problems,
    ContentStore.StagedContent? Output,
    DatasetProfile? Profile,
    IReadOnlyList<ColumnInfo> Columns,
    long DroppedRows);

/// <summary>
/// One streaming pass over a submission: checks the header against the schema contract, every row (field count, values
/// of numeric and boolean columns, a missing target, UTF-8, record length, quotes), profiles the good rows
/// (<see cref="ProfileBuilder"/>: memory bounded by the column count) and, for an append or under the drop policy,
/// writes the bytes to store. Nothing here holds more than one row of the file.
/// </summary>
public sealed class DatasetValidator(ContentStore store, int maxLineBytes, int maxReportedProblems, int maxCategories, double numericShare = 1.0)
{
    /// <summary>Tab, CR and LF are ordinary inside CSV fields (LF and CR only quoted); every other C0 control character and DEL is not.</summary>
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        Enumerable.Range(0, 32).Where(c => c is not ('\t' or '\r' or '\n')).Select(c => (char)c).Append('\x7f').ToArray());

    /// <summary>
    /// Validates in one pass. Without a schema contract (a first version, or a new schema version) the kinds are inferred,
    /// and a column whose non-missing values are numbers except for a few (at least <c>numericShare</c> of them parse) is
    /// taken as numeric with bad values rather than silently made categorical: a second pass reports (reject policy) or
    /// drops (drop policy) the rows holding them.
    /// </summary>
    public async Task<ValidationResult> ValidateAsync(ValidationRequest request, CancellationToken cancellationToken)
    {
        var (result, tally, lostCategories) = await PassAsync(request, null, [], cancellationToken);
        if (result.Output is null || result.Profile is null) return result;

        var numeric = new string?[tally.Names.Length];
        if (request.Contract is null)
        {
            for (var i = 0; i < numeric.Length; i++)
            {
                var (values, numbers) = (tally.NonMissing[i], tally.Numbers[i]);
                if (result.Profile.Columns[i].Kind == ColumnKind.Categorical && numbers < values && numbers >= numericShare * values
                    && request.Kinds?.ContainsKey(tally.Names[i]) != true)
                    numeric[i] = $"numeric ({(double)numbers / values:P1} of its {values} values are numbers)";
            }
        }

        // A column whose numbers came before its first word was profiled without counting those numbers as categories
        // (which keeps numeric columns cheap): such a column is categorical, and is profiled again as one.
        var categorical = lostCategories.Where(name => numeric[Array.IndexOf(tally.Names, name)] is null).ToArray();
        if (numeric.All(n => n is null) && categorical.Length == 0) return result;
        if (result.Output != request.Staged) store.Discard(result.Output);
        return (await PassAsync(request, numeric, categorical, cancellationToken)).Result;
    }

    /// <summary>Per column: non-missing values and how many of them parse as numbers (invariant culture).</summary>
    private sealed record NumericTally(string[] Names, long[] NonMissing, long[] Numbers);

    /// <param name="inferredNumeric">Per column, why it is numeric though the file alone would make it categorical (second pass), or null.</param>
    /// <param name="inferredCategorical">Columns known to be categorical from the first pass (second pass).</param>
    private async Task<(ValidationResult Result, NumericTally Tally, IReadOnlyList<string> LostCategories)> PassAsync(
        ValidationRequest request, string?[]? inferredNumeric, string[] inferredCategorical, CancellationToken cancellationToken)
    {
        var problems = new ProblemReport(maxReportedProblems);
        await using var submitted = File.OpenRead(request.Staged.TempPath);
        using var scanner = new CsvRecordScanner(submitted, maxLineBytes);
        var names = await ReadHeaderAsync(scanner, problems, cancellationToken);
        if (names is null) return (Rejected(problems), Empty, []);

        string[]? baseNames = null;
        using var baseScanner = request.BasePath is null ? null : new CsvRecordScanner(File.OpenRead(request.BasePath), int.MaxValue / 2);
        if (baseScanner is not null)
        {
            baseNames = await ReadHeaderAsync(baseScanner, new ProblemReport(1), cancellationToken)
                ?? throw new InvalidOperationException("The stored version appended to has no header.");
        }

        CheckHeader(names, baseNames, request, problems);
        if (problems.Any) return (Rejected(problems), Empty, []);

        var order = baseNames ?? names;
        var kinds = order.Select((n, i) => inferredNumeric?[i] is not null ? ColumnKind.Numeric : KindInContract(request.Contract, n) ?? Requested(request.Kinds, n)).ToArray();
        var kindReasons = order.Select((n, i) => inferredNumeric?[i] ?? (KindInContract(request.Contract, n) is null && request.Kinds?.ContainsKey(n) == true ? "numeric (set by kinds=)" : "numeric in the schema")).ToArray();
        var tally = new NumericTally(order, new long[order.Length], new long[order.Length]);
        var forcedCategorical = order.Where((_, i) => kinds[i] == ColumnKind.Categorical).Concat(inferredCategorical).ToHashSet(StringComparer.Ordinal);
        var profile = new ProfileBuilder(order, new CsvReadOptions { CategoricalColumns = forcedCategorical }, deferCategories: true);
        var categories = order.Select(_ => new CategoryCollector(maxCategories)).ToArray();
        var rewrite = request.BasePath is not null || request.Policy == BadRowPolicy.DropBadRows;
        using var writer = rewrite ? store.CreateWriter() : null;
        var fields = new RowValues(order.Length);

        if (baseScanner is not null)
        {
            writer!.WriteLine(HeaderLine(order));
            while (await baseScanner.NextAsync(cancellationToken))
            {
                if (order.Length > 1 && baseScanner.IsBlank) continue;
                fields.Read(baseScanner);
                Keep(baseScanner.Raw);
            }
        }
        else if (writer is not null)
        {
            writer.WriteLine(HeaderLine(order));
        }

        var targetIndex = Array.IndexOf(order, request.Target);
        long row = 0, dropped = 0;
        while (await scanner.NextAsync(cancellationToken))
        {
            if (order.Length > 1 && scanner.IsBlank) continue;
            row++;
            if (!RowIsGood(scanner, row, order, kinds, kindReasons, targetIndex, fields, problems))
            {
                dropped++;
                continue;
            }

            // Under the reject policy a file with problems is not stored: profiling the rest would be wasted.
            if (request.Policy == BadRowPolicy.Reject && problems.Any) continue;
            Keep(scanner.Raw);
        }

        if (request.Policy == BadRowPolicy.Reject && problems.Any) return (Rejected(problems), tally, []);
        if (profile.RowCount == 0)
        {
            problems.Add(ProblemCodes.NoRows, dropped > 0
                ? $"No row is left once the {dropped} bad row(s) are dropped."
                : "The file has a header but no rows.");
            return (Rejected(problems), tally, []);
        }

        var built = profile.Build();
        var columns = order.Select((name, i) => Describe(name, kinds[i] ?? built.Columns[i].Kind, categories[i])).ToArray();
        ContentStore.StagedContent output;
        if (writer is not null && (request.BasePath is not null || dropped > 0)) output = writer.Complete();
        else output = request.Staged;

        return (new ValidationResult(problems, output, built, columns, dropped), tally, profile.ColumnsWithLostCategories);

        void Keep(ReadOnlySpan<byte> raw)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                var kind = fields.Kind(i);
                if (kind == CellKind.Missing) continue;
                tally.NonMissing[i]++;
                if (kind == CellKind.Number) tally.Numbers[i]++;
                // Categories matter for a categorical column only; a column of numbers so far is not counted (the profile
                // says when it must be, and a column that turns categorical late gets a second pass).
                if (kind == CellKind.Text || profile.NeedsText(i)) categories[i].Add(fields.Trimmed(i));
            }

            fields.AddTo(profile);
            writer?.WriteLine(raw);
        }
    }

    private static ValidationResult Rejected(ProblemReport problems) => new(problems, null, null, [], 0);

    private static readonly NumericTally Empty = new([], [], []);

    /// <summary>The header as the library reads it: names trimmed, unique, at least one.</summary>
    private static async Task<string[]?> ReadHeaderAsync(CsvRecordScanner scanner, ProblemReport problems, CancellationToken cancellationToken)
    {
        if (!await scanner.NextAsync(cancellationToken))
        {
            problems.Add(ProblemCodes.Empty, "The file is empty: line 1 should be a header row naming the columns.", row: 0, line: 1);
            return null;
        }

        if (scanner.Defect != RecordDefect.None)
        {
            problems.Add(DefectReason(scanner, row: 0, names: null));
            return null;
        }

        var names = new string[scanner.FieldCount];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = scanner.Field(i).Trim();
            if (names[i].AsSpan().IndexOfAny(ControlCharacters) is >= 0 and var at)
                problems.Add(ProblemCodes.ControlCharacter, $"Line 1 (header): column {i + 1}'s name holds the control character U+{(int)names[i][at]:X4}.", null, 0, 1);
            else if (!seen.TryAdd(names[i], i))
                problems.Add(ProblemCodes.Header, $"Line 1 (header): column {i + 1} is named '{names[i]}', like column {seen[names[i]] + 1}; column names must be unique.", names[i], 0, 1);
        }

        if (names is [""])
        {
            problems.Add(ProblemCodes.Empty, "The file is empty: line 1 should be a header row naming the columns.", row: 0, line: 1);
            return null;
        }

        return problems.Any ? null : names;
    }

    /// <summary>The header against the schema contract and the target; for an append, also the column order.</summary>
    private static void CheckHeader(string[] names, string[]? baseNames, ValidationRequest request, ProblemReport problems)
    {
        if (request.Contract is { } contract)
        {
            var expected = contract.Columns.Select(c => c.Name).ToArray();
            var hint = $"schema version {contract.SchemaVersion} (dataset version {contract.FromVersion}) has {string.Join(", ", expected)}; pass schema=new to start a new schema version";
            foreach (var missing in expected.Except(names, StringComparer.Ordinal))
                problems.Add(ProblemCodes.SchemaMismatch, $"Column '{missing}' is missing: {hint}.", missing, 0, 1);
            foreach (var extra in names.Except(expected, StringComparer.Ordinal))
                problems.Add(ProblemCodes.SchemaMismatch, $"Column '{extra}' is not in the schema: {hint}.", extra, 0, 1);
        }

        if (baseNames is not null && !problems.Any && !names.SequenceEqual(baseNames, StringComparer.Ordinal))
            problems.Add(ProblemCodes.Append, $"Line 1 (header): an append must list the columns in the order of the version it extends: {string.Join(", ", baseNames)}.", row: 0, line: 1);

        if (!names.Contains(request.Target, StringComparer.Ordinal) && !problems.Any)
            problems.Add(ProblemCodes.Target, $"The target column '{request.Target}' is not in the file (columns: {string.Join(", ", names)}).", request.Target, 0, 1);
        else if (names.Length < 2)
            problems.Add(ProblemCodes.Header, "The file needs at least one feature column besides the target.", row: 0, line: 1);
    }

    /// <summary>Checks one record; reports each problem with its row, line and column.</summary>
    private static bool RowIsGood(
        CsvRecordScanner scanner, long row, string[] names, ColumnKind?[] kinds, string[] kindReasons, int targetIndex, RowValues fields, ProblemReport problems)
    {
        if (scanner.Defect != RecordDefect.None)
        {
            problems.Add(DefectReason(scanner, row, names));
            return false;
        }

        if (scanner.FieldCount != names.Length)
        {
            var detail = scanner.FieldCount < names.Length
                ? $"column '{names[scanner.FieldCount]}' is missing"
                : $"there is an extra field after column '{names[^1]}'";
            problems.Add(ProblemCodes.FieldCount,
                $"Row {row} (line {scanner.Line}): the row has {scanner.FieldCount} field(s) but the header has {names.Length}; {detail}.",
                scanner.FieldCount < names.Length ? names[scanner.FieldCount] : null, row, scanner.Line);
            return false;
        }

        fields.Read(scanner);
        var good = true;
        for (var i = 0; i < names.Length; i++)
        {
            var kind = fields.Kind(i);
            if (fields.HasControlCharacter(i))
            {
                var (at, character) = fields.ControlCharacterAt(i);
                problems.Add(ProblemCodes.ControlCharacter,
                    $"Row {row} (line {scanner.Line}): column '{names[i]}' holds the control character U+{(int)character:X4} at position {at + 1}; fields are text (tab and quoted line breaks excepted).",
                    names[i], row, scanner.Line);
                good = false;
            }
            else if (kind == CellKind.Missing)
            {
                if (i != targetIndex) continue;
                problems.Add(ProblemCodes.MissingTarget, $"Row {row} (line {scanner.Line}): the target column '{names[i]}' has no value.", names[i], row, scanner.Line);
                good = false;
            }
            else if (kinds[i] == ColumnKind.Numeric && kind != CellKind.Number)
            {
                problems.Add(ProblemCodes.NotANumber, $"Row {row} (line {scanner.Line}): column '{names[i]}' is {kindReasons[i]}, but holds '{Shorten(fields.Raw(i))}'.", names[i], row, scanner.Line);
                good = false;
            }
            else if (kinds[i] == ColumnKind.Boolean && (kind == CellKind.Number || !IsBoolean(fields.Trimmed(i))))
            {
                problems.Add(ProblemCodes.NotABoolean, $"Row {row} (line {scanner.Line}): column '{names[i]}' is boolean (true/false) in the schema, but holds '{Shorten(fields.Raw(i))}'.", names[i], row, scanner.Line);
                good = false;
            }
        }

        return good;
    }

    private static RejectionReason DefectReason(CsvRecordScanner scanner, long row, string[]? names)
    {
        var where = row == 0 ? $"Line {scanner.Line} (header)" : $"Row {row} (line {scanner.Line})";
        return scanner.Defect switch
        {
            RecordDefect.TooLong => new(ProblemCodes.LineTooLong, $"{where}: the row is longer than the limit of {scanner.MaxRecordBytes} bytes (Ingestion:MaxLineBytes).", null, row, scanner.Line),
            RecordDefect.InvalidUtf8 => new(ProblemCodes.InvalidUtf8, $"{where}: the bytes are not valid UTF-8 (save the file as UTF-8).", null, row, scanner.Line),
            RecordDefect.UnclosedQuote => new(ProblemCodes.Quote, $"{where}: a quoted field is never closed; the rest of the file would be one field.", null, row, scanner.Line),
            _ => new(ProblemCodes.Quote, $"{where}: a stray quote in field {scanner.DefectField + 1}{ColumnName(names, scanner.DefectField)} (quote the whole field and double the quotes inside it).",
                names is not null && scanner.DefectField < names.Length ? names[scanner.DefectField] : null, row, scanner.Line),
        };
    }

    private static string ColumnName(string[]? names, int index) =>
        names is not null && index < names.Length ? $" ('{names[index]}')" : "";

    private static ColumnKind? KindInContract(SchemaContract? contract, string name)
    {
        var column = contract?.Columns.FirstOrDefault(c => c.Name == name);
        return column is not null && ColumnKindNames.TryParse(column.Kind, out var kind) ? kind : null;
    }

    private static ColumnKind? Requested(IReadOnlyDictionary<string, ColumnKind>? kinds, string name) =>
        kinds is not null && kinds.TryGetValue(name, out var kind) ? kind : null;

    private static bool IsBoolean(string trimmed) =>
        trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static ColumnInfo Describe(string name, ColumnKind kind, CategoryCollector categories) =>
        kind == ColumnKind.Categorical
            ? new ColumnInfo(name, kind.ToWireName(), categories.Result)
            : new ColumnInfo(name, kind.ToWireName());

    /// <summary>A header row for a rewritten file: names quoted only when they must be.</summary>
    private static byte[] HeaderLine(string[] names) =>
        System.Text.Encoding.UTF8.GetBytes(string.Join(",", names.Select(n =>
            n.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{n.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : n)));
}
