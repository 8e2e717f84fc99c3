using System.Text;

namespace Platform.Ingestion.Tests;

/// <summary>One bad submission and the rejection it must get.</summary>
/// <param name="OnBase">Submitted as a later version of the corpus's base dataset (x numeric, z categorical, y the regression target), so the schema contract applies.</param>
public sealed record MalformedCase(
    string Name, byte[] Bytes, string Code, string? Column = null, long? Row = null,
    string? Target = "y", string? Task = null, bool Append = false, bool OnBase = false, string? DatasetName = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// Malformed CSV files generated in code, each with the code (and, where there is one, the column and row) of the
/// rejection it must get. Every kind of damage a producer's export can do: encoding, quoting, shape, values, schema.
/// </summary>
public static class MalformedCorpus
{
    public const string BaseCsv = "x,z,y\n1.5,red,10\n2.5,blue,20\n3.5,red,30\n4.5,green,40\n5.5,blue,50\n6.5,red,60\n7.5,red,70\n8.5,blue,80\n9.5,green,90\n10.5,red,100\n11.5,blue,110\n12.5,red,120\n";

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p switch { string s => Encoding.UTF8.GetBytes(s), byte[] b => b, _ => throw new ArgumentException("part") }).ToArray();

    private static string Rows(int count, Func<int, string> row) => string.Concat(Enumerable.Range(1, count).Select(i => row(i) + "\n"));

    public static IReadOnlyList<MalformedCase> All { get; } =
    [
        new("empty file", [], "empty", Row: null),
        new("header only", Text("x,y\n"), "no-rows"),
        new("header and blank lines", Text("x,y\n\n\n\n"), "no-rows"),
        new("whitespace header", Text("   \n1\n"), "empty"),
        new("BOM only", [0xEF, 0xBB, 0xBF], "empty"),
        new("duplicate column names", Text("x,x,y\n1,2,3\n"), "header", Column: "x", Row: 0),
        new("target not in header", Text("a,b\n1,2\n3,4\n"), "target", Column: "y", Row: 0),
        new("target is the only column", Text("y\n1\n2\n3\n"), "header", Row: 0),
        new("row with a missing field", Text("x,z,y\n1,a,2\n3,b\n5,c,6\n"), "field-count", Column: "y", Row: 2),
        new("row with an extra field", Text("x,z,y\n1,a,2,9\n3,b,4\n"), "field-count", Row: 1),
        new("invalid UTF-8 in a row", Bytes("x,z,y\n1,a,2\n3,", new byte[] { 0xFF, 0xFE }, ",4\n"), "invalid-utf8", Row: 2),
        new("invalid UTF-8 in the header", Bytes("x,", new byte[] { 0xC3, 0x28 }, ",y\n1,2,3\n"), "invalid-utf8", Row: 0),
        new("overlong UTF-8 encoding", Bytes("x,z,y\n1,", new byte[] { 0xC0, 0xAF }, ",2\n"), "invalid-utf8", Row: 1),
        new("truncated UTF-8 sequence at the end", Bytes("x,z,y\n1,a,2\n3,b,", new byte[] { 0xE2, 0x82 }), "invalid-utf8", Row: 2),
        new("Latin-1 export", Bytes("x,z,y\n1,caf", new byte[] { 0xE9 }, ",2\n3,b,4\n"), "invalid-utf8", Row: 1),
        new("UTF-16 export", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("x,z,y\n1,a,2\n")).ToArray(), "invalid-utf8", Row: 0),
        new("line over the limit", Text("x,z,y\n1,a,2\n3," + new string('b', 5000) + ",4\n"), "line-too-long", Row: 2),
        new("header over the limit", Text(string.Join(",", Enumerable.Range(0, 1000).Select(i => $"col{i}")) + ",y\n"), "line-too-long", Row: 0),
        new("unclosed quote", Text("x,z,y\n1,\"a,2\n3,b,4\n"), "quote", Row: 1),
        new("stray quote in a field", Text("x,z,y\n1,a\"b,2\n"), "quote", Column: "z", Row: 1),
        new("text after a closing quote", Text("x,z,y\n1,\"a\"b,2\n"), "quote", Column: "z", Row: 1),
        new("empty target value", Text("x,z,y\n1,a,2\n3,b,\n5,c,6\n"), "missing-target", Column: "y", Row: 2),
        new("NA target value", Text("x,z,y\n1,a,NA\n3,b,4\n5,c,6\n"), "missing-target", Column: "y", Row: 1),
        new("row of commas only", Text("x,z,y\n1,a,2\n,,\n"), "missing-target", Column: "y", Row: 2),
        new("unknown task", Text(BaseCsv), "task", Task: "clustering"),
        new("regression on a text target", Text("x,y\n1,a\n2,b\n3,c\n"), "task", Column: "y", Task: "regression"),
        new("binary target with three values", Text("x,y\n1,a\n2,b\n3,c\n"), "task", Column: "y", Task: "binary"),
        new("multiclass target with one value", Text("x,y\n1,a\n2,a\n3,a\n"), "task", Column: "y", Task: "multiclass"),
        new("a hundred and fifty ragged rows", Text("x,z,y\n" + Rows(150, i => $"{i},a")), "field-count", Column: "y", Row: 1),
        new("no target given", Text("x,z,y\n1,a,2\n"), "target", Target: null),
        new("append without a first version", Text("x,z,y\n1,a,2\n"), "append", Append: true),
        new("invalid dataset name", Text(BaseCsv), "invalid-name", DatasetName: "-bad.name"),
        new("text in a numeric column", Text("x,z,y\n1,a,2\nabc,b,4\n"), "not-a-number", Column: "x", Row: 2, OnBase: true),
        new("column missing from the schema", Text("x,y\n1,2\n3,4\n"), "schema-mismatch", Column: "z", Row: 0, OnBase: true),
        new("column not in the schema", Text("x,z,w,y\n1,a,5,2\n"), "schema-mismatch", Column: "w", Row: 0, OnBase: true),
        new("target changed without a new schema", Text("x,z,y\n1,red,2\n2,blue,3\n"), "schema-mismatch", Target: "x", OnBase: true),
        new("task changed without a new schema", Text("x,z,y\n1,a,0\n2,b,1\n"), "schema-mismatch", Task: "binary", OnBase: true),
        new("append with columns reordered", Text("z,x,y\nred,1,2\n"), "append", Row: 0, Append: true, OnBase: true),
        new("append with text in a numeric column", Text("x,z,y\n1,red,2\nn/a?,red,3\n"), "not-a-number", Column: "x", Row: 2, Append: true, OnBase: true),
        new("first version: a stray word in a numeric column", Text("x,z,y\n" + Rows(30, i => i == 17 ? "twelve,a,17" : $"{i}.5,a,{i}")),
            "not-a-number", Column: "x", Row: 17),
        new("first version: a stray word in the numeric target", Text("x,z,y\n" + Rows(40, i => i == 3 ? "3,a,unknown" : $"{i},a,{i * 2}")),
            "not-a-number", Column: "y", Row: 3, Task: "regression"),
        new("NUL inside a field", Text("x,z,y\n1,a,2\n3,b\0c,4\n"), "control-character", Column: "z", Row: 2),
        new("NUL inside a numeric field", Text("x,z,y\n1,a,2\n3\0,b,4\n"), "control-character", Column: "x", Row: 2),
        new("escape character inside a quoted field", Text("x,z,y\n1,\"a\u001bb\",2\n"), "control-character", Column: "z", Row: 1),
        new("control character in the header", Text("x,z\u0007,y\n1,a,2\n"), "control-character", Row: 0),
        new("NUL on a later version", Text("x,z,y\n1,red,2\n2,bl\0ue,3\n"), "control-character", Column: "z", Row: 2, OnBase: true),
    ];
}
