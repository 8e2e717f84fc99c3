using Platform.Tests;

namespace Platform.Cli.Tests;

public static class BadInput
{
    /// <summary>Exit code 2, nothing on stdout, exactly one line on stderr (naming <paramref name="mentions"/>), and no stack trace.</summary>
    public static void AssertOneLine(Cli.Result result, string? mentions = null)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        if (mentions is not null) Assert.Contains(mentions, result.Stderr);
    }
}

/// <summary>Each kind of bad input ends with exit code 2 and one clear line on stderr.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, string> _paths;

    public BadInputTests()
    {
        var diabetes = File.ReadAllLines(SharedData.PathOf("diabetes.csv"));
        _paths = new Dictionary<string, string>
        {
            ["{diabetes}"] = SharedData.PathOf("diabetes.csv"),
            ["{iris}"] = SharedData.PathOf("iris.csv"),
            ["{missing}"] = _folder.File("no-such-file.csv"),
            ["{out}"] = _folder.File("out"),
            ["{folder}"] = _folder.Path,
            // Line 4 has one field too many.
            ["{extra-field}"] = _folder.Write("extra-field.csv", "a,b,target\n1,2,3\n4,5,6\n7,8,9,10\n"),
            ["{unclosed-quote}"] = _folder.Write("unclosed-quote.csv", "a,b,target\n1,\"2,3\n4,5,6\n"),
            ["{empty}"] = _folder.Write("empty.csv", ""),
            ["{text-in-target}"] = _folder.Write("text-in-target.csv",
                string.Join('\n', diabetes.Select((line, i) => i == 7 ? line[..line.LastIndexOf(',')] + ",abc" : line)) + "\n"),
            ["{text-in-bmi}"] = _folder.Write("text-in-bmi.csv",
                string.Join('\n', diabetes.Select((line, i) => i == 3 ? ReplaceField(line, 2, "n/a?") : line)) + "\n"),
            ["{not-onnx}"] = _folder.Write("model.onnx", "this is not a model"),
        };
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    // Usage errors found by the parser.
    [InlineData("unknown verb", "nonsense")]
    [InlineData("no verb")]
    [InlineData("required option missing", "train", "--data", "{diabetes}", "--out", "{out}")]
    [InlineData("unknown task name", "train", "--data", "{diabetes}", "--target", "target", "--task", "clustering", "--out", "{out}")]
    [InlineData("seed not a number", "train", "--data", "{diabetes}", "--target", "target", "--seed", "x", "--out", "{out}")]
    [InlineData("unknown option", "profile", "--data", "{diabetes}", "--rows", "5")]
    [InlineData("unknown drift format", "drift", "--reference", "{diabetes}", "--current", "{diabetes}", "--format", "xml")]
    // Missing files.
    [InlineData("missing training file", "train", "--data", "{missing}", "--target", "target", "--out", "{out}")]
    [InlineData("missing profile file", "profile", "--data", "{missing}")]
    [InlineData("a folder instead of a file", "profile", "--data", "{folder}")]
    [InlineData("missing drift reference", "drift", "--reference", "{missing}", "--current", "{diabetes}")]
    [InlineData("missing drift current", "drift", "--reference", "{diabetes}", "--current", "{missing}")]
    [InlineData("missing model folder", "predict", "--model", "{missing}", "--data", "{diabetes}")]
    [InlineData("folder without model.onnx", "predict", "--model", "{folder}", "--data", "{diabetes}")]
    [InlineData("not an onnx file", "evaluate", "--model", "{not-onnx}", "--data", "{diabetes}", "--target", "target")]
    // Unknown columns.
    [InlineData("unknown target", "train", "--data", "{diabetes}", "--target", "nope", "--out", "{out}")]
    [InlineData("unknown drift column", "drift", "--reference", "{diabetes}", "--current", "{diabetes}", "--columns", "bmi,nope")]
    [InlineData("no column in common", "drift", "--reference", "{diabetes}", "--current", "{iris}")]
    [InlineData("every column excluded", "drift", "--reference", "{iris}", "--current", "{iris}", "--exclude", "sepal_length,sepal_width,petal_length,petal_width,species")]
    [InlineData("unknown categorical column", "train", "--data", "{diabetes}", "--target", "target", "--categorical", "nope", "--out", "{out}")]
    // Wrong task for the target, unknown trainer.
    [InlineData("regression on a text target", "train", "--data", "{iris}", "--target", "species", "--task", "regression", "--out", "{out}")]
    [InlineData("binary on a continuous target", "train", "--data", "{diabetes}", "--target", "target", "--task", "binary", "--out", "{out}")]
    [InlineData("binary on three classes", "train", "--data", "{iris}", "--target", "species", "--task", "binary", "--out", "{out}")]
    [InlineData("trainer of another task", "train", "--data", "{diabetes}", "--target", "target", "--trainers", "sdca-maxent", "--out", "{out}")]
    // Text in numeric columns.
    [InlineData("text in a numeric target", "train", "--data", "{text-in-target}", "--target", "target", "--out", "{out}")]
    [InlineData("text in a numeric feature", "train", "--data", "{text-in-bmi}", "--target", "target", "--out", "{out}")]
    [InlineData("text in a numeric drift column", "drift", "--reference", "{diabetes}", "--current", "{text-in-bmi}")]
    // Malformed CSV.
    [InlineData("extra field", "train", "--data", "{extra-field}", "--target", "target", "--out", "{out}")]
    [InlineData("extra field in profile", "profile", "--data", "{extra-field}")]
    [InlineData("unclosed quote", "profile", "--data", "{unclosed-quote}")]
    [InlineData("empty file", "drift", "--reference", "{empty}", "--current", "{diabetes}")]
    public void Bad_input_exits_with_code_2_and_one_line_on_stderr(string why, params string[] args)
    {
        var result = Cli.Run(args.Select(a => _paths.GetValueOrDefault(a, a)).ToArray());

        BadInput.AssertOneLine(result);
        Assert.False(Directory.Exists(_paths["{out}"]), $"{why}: nothing should be written");
    }

    [Fact]
    public void Malformed_csv_message_names_the_file_and_line()
    {
        var result = Cli.Run("profile", "--data", _paths["{extra-field}"]);

        BadInput.AssertOneLine(result, "extra-field.csv: Line 4");
    }

    [Fact]
    public void Text_in_a_numeric_column_names_the_column_row_and_value()
    {
        var result = Cli.Run("train", "--data", _paths["{text-in-bmi}"], "--target", "target", "--out", _paths["{out}"]);

        BadInput.AssertOneLine(result, "column 'bmi'");
        Assert.Contains("data row 3 holds 'n/a?'", result.Stderr);
    }

    [Fact]
    public void Wrong_task_message_suggests_the_right_one()
    {
        var result = Cli.Run("train", "--data", _paths["{iris}"], "--target", "species", "--task", "regression", "--out", _paths["{out}"]);

        BadInput.AssertOneLine(result, "use --task multiclass");
    }

    private static string ReplaceField(string line, int index, string value)
    {
        var fields = line.Split(',');
        fields[index] = value;
        return string.Join(',', fields);
    }
}

public sealed class HelpTests
{
    [Theory]
    [InlineData("train", "--target")]
    [InlineData("predict", "--model")]
    [InlineData("evaluate", "--target")]
    [InlineData("profile", "--data")]
    [InlineData("drift", "--reference")]
    public void Every_verb_has_help(string verb, string mentions)
    {
        var result = Cli.Succeeds(verb, "--help");

        Assert.Contains(mentions, result.Stdout);
        Assert.Contains("platform " + verb, result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Root_help_lists_the_verbs()
    {
        var result = Cli.Succeeds("--help");

        foreach (var verb in new[] { "train", "predict", "evaluate", "profile", "drift" }) Assert.Contains(verb, result.Stdout);
    }
}
