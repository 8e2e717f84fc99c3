using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ingestion.Infrastructure;
using Platform.Ingestion.Validation;
using Platform.Ml.Data.Profiling;
using Platform.Tests;

namespace Platform.Ingestion.Tests;

/// <summary>
/// The validation pass reads fields straight from the record's bytes and parses each once; its profile must be the
/// library's (<see cref="ProfileBuilder.Profile(Stream, Platform.Ml.Data.CsvReadOptions?, CancellationToken)"/>) on the
/// same file, whatever the fields hold.
/// </summary>
public sealed class ValidationPassTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ingestion-pass-" + Guid.NewGuid().ToString("N"));
    private readonly ContentStore _store;

    public ValidationPassTests() => _store = new ContentStore(Options.Create(new IngestionOptions { StoragePath = _folder }));

    public static TheoryData<string> SharedFiles => new() { "iris.csv", "diabetes_train.csv" };

    [Theory]
    [MemberData(nameof(SharedFiles))]
    public async Task The_profile_of_a_shared_dataset_is_the_library_profile(string file)
    {
        var bytes = await File.ReadAllBytesAsync(SharedData.PathOf(file));
        var target = file.StartsWith("iris", StringComparison.Ordinal) ? "species" : "target";
        var result = await ValidateAsync(bytes, target);
        Assert.Equal(Reference(bytes), Json(result.Profile!));
    }

    [Fact]
    public async Task Missing_tokens_spaces_quotes_non_ascii_and_a_column_that_turns_categorical_late_profile_as_the_library_does()
    {
        var csv = new StringBuilder("num,padded,late,flag,text,y\n");
        for (var i = 0; i < 300; i++)
        {
            var lateValue = i < 200 ? (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture) : (i % 3 == 0 ? "word" : "12");
            var padded = (i % 5) switch { 0 => " NA ", 1 => "null", 2 => $"  {i}.5 ", 3 => "\u00a0" + i, _ => "1e3" };
            var text = (i % 4) switch { 0 => "\"say \"\"hi\"\"\"", 1 => "café", 2 => "\"a, b\"", _ => " spaced " };
            csv.Append(i % 11 == 0 ? "" : (i * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
                .Append(padded).Append(',').Append(lateValue).Append(',').Append(i % 2 == 0 ? "TRUE" : "false").Append(',')
                .Append(text).Append(',').Append(i % 3).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        var result = await ValidateAsync(bytes, "y");

        Assert.Equal(Reference(bytes), Json(result.Profile!));
        var late = result.Columns.Single(c => c.Name == "late");
        Assert.Equal("categorical", late.Kind);
        Assert.Equal(["0", "1", "12", "2", "3", "4", "5", "6", "word"], late.Categories);
        Assert.Equal("boolean", result.Columns.Single(c => c.Name == "flag").Kind);
        Assert.Equal(["a, b", "café", "say \"hi\"", "spaced"], result.Columns.Single(c => c.Name == "text").Categories);
    }

    [Fact]
    public async Task A_control_character_among_numbers_is_reported_with_its_row_column_and_position()
    {
        var bytes = Encoding.UTF8.GetBytes("x,y\n1.5,0\n2\u00015,1\n3,0\n");
        var result = await ValidateAsync(bytes, "y");

        Assert.Null(result.Output);
        var problem = Assert.Single(result.Problems.First);
        Assert.Equal(ProblemCodes.ControlCharacter, problem.Code);
        Assert.Equal("x", problem.Column);
        Assert.Equal(2, problem.Row);
        Assert.Contains("U+0001 at position 2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_decimal_is_read_as_the_same_double_as_the_general_parser_reads_it()
    {
        var random = new Random(7);
        var samples = new List<string> { "0", "-0", "+3", "007", "0.000123", "123456789012345", "-99999.999999999", "1e5", "1.", ".5", "-", "", "1.2.3", "12a", " 4", "1234567890123456" };
        for (var i = 0; i < 20_000; i++)
        {
            var scale = random.Next(0, 12);
            var value = Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 12)), scale);
            samples.Add(value.ToString("F" + scale, System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var text in samples)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            if (!PlainDecimal.TryParse(utf8, out var fast)) continue;
            Assert.True(double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var general), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(general), BitConverter.DoubleToInt64Bits(fast));
        }

        Assert.True(PlainDecimal.TryParse("-12.50"u8, out var parsed) && parsed == -12.5);
        Assert.False(PlainDecimal.TryParse("1e5"u8, out _));
        Assert.False(PlainDecimal.TryParse("1234567890123456"u8, out _)); // 16 digits: the general parser's job
    }

    private async Task<ValidationResult> ValidateAsync(byte[] bytes, string target)
    {
        var staged = await _store.StageAsync(new MemoryStream(bytes), long.MaxValue, CancellationToken.None);
        var validator = new DatasetValidator(_store, maxLineBytes: 1 << 20, maxReportedProblems: 100, maxCategories: 50);
        return await validator.ValidateAsync(new ValidationRequest(staged, null, null, target, BadRowPolicy.Reject), CancellationToken.None);
    }

    private static string Reference(byte[] bytes) => Json(ProfileBuilder.Profile(new MemoryStream(bytes)));

    private static string Json(DatasetProfile profile) => JsonSerializer.Serialize(profile);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
