using System.Text;
using System.Text.Json;
using Platform.Ml.Data;
using Platform.Tests;

namespace Platform.Ml.Tests.Data;

public class CsvTableReaderTests
{
    private static Table ReadText(string csv, CsvReadOptions? options = null) =>
        CsvTableReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), leaveOpen: false, options);

    private static CsvFormatException ReadFails(string csv) =>
        Assert.Throws<CsvFormatException>(() => ReadText(csv));

    [Fact]
    public void Reads_diabetes_as_eleven_numeric_columns()
    {
        var table = CsvTableReader.Read(SharedData.PathOf("diabetes.csv"));

        Assert.Equal(442, table.RowCount);
        Assert.Equal(11, table.Columns.Count);
        Assert.All(table.Columns, c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        Assert.Equal(151.0, table["target"].Numbers![0]);
    }

    [Fact]
    public void Reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var table = ReadText("id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n");

        Assert.Equal(new string?[] { "a, b", "say \"hi\"", "two\nlines" }, table["text"].Texts);
        Assert.Equal(new[] { 1.0, 2, 3 }, table["id"].Numbers);
    }

    [Fact]
    public void Reads_lines_starting_with_a_hash_as_data_not_comments()
    {
        var table = ReadText("#tag,n\n#a,1\n#b,2\n");

        Assert.Equal("#tag", table.Columns[0].Name);
        Assert.Equal(new string?[] { "#a", "#b" }, table["#tag"].Texts);
    }

    [Fact]
    public void Skips_a_utf8_bom_and_accepts_crlf_line_endings()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("x,name\r\n1,é\r\n2,\"b\r\nc\"\r\n")).ToArray();

        var table = CsvTableReader.Read(new MemoryStream(bytes));

        Assert.Equal(new[] { "x", "name" }, table.Columns.Select(c => c.Name));
        Assert.Equal(new[] { 1.0, 2 }, table["x"].Numbers);
        Assert.Equal(new string?[] { "é", "b\r\nc" }, table["name"].Texts);
    }

    [Fact]
    public void Ignores_a_bom_character_at_the_start_of_a_text_reader()
    {
        var table = CsvTableReader.Read(new StringReader("\uFEFFx\n1\n"));

        Assert.Equal("x", table.Columns[0].Name);
    }

    [Fact]
    public void Reads_missing_tokens_as_nan_or_null()
    {
        var table = ReadText("n,c\n1,a\n,\nNA,NA\nn/a,N/A\nNaN,nan\nnull,NULL\n 2 ,b\n");

        var numbers = table["n"].Numbers!;
        Assert.Equal(1.0, numbers[0]);
        Assert.All(numbers[1..6], v => Assert.True(double.IsNaN(v)));
        Assert.Equal(2.0, numbers[6]);
        Assert.Equal(new string?[] { "a", null, null, null, null, null, "b" }, table["c"].Texts);
    }

    [Fact]
    public void Infers_boolean_from_true_and_false_in_any_case()
    {
        var table = ReadText("flag\nTRUE\nfalse\n\nTrue\n");

        Assert.Equal(ColumnKind.Boolean, table["flag"].Kind);
        var values = table["flag"].Numbers!;
        Assert.Equal(new[] { 1.0, 0.0 }, values[..2]);
        Assert.True(double.IsNaN(values[2]));
        Assert.Equal(1.0, values[3]);
    }

    [Fact]
    public void Keeps_zero_one_columns_numeric_and_mixed_columns_categorical()
    {
        var table = ReadText("bits,mixed\n0,true\n1,1\n0,yes\n");

        Assert.Equal(ColumnKind.Numeric, table["bits"].Kind);
        Assert.Equal(ColumnKind.Categorical, table["mixed"].Kind);
        Assert.Equal(new string?[] { "true", "1", "yes" }, table["mixed"].Texts);
    }

    [Fact]
    public void Reads_integer_coded_columns_as_categorical_when_asked()
    {
        var options = new CsvReadOptions { CategoricalColumns = new HashSet<string> { "zip" } };

        var table = ReadText("zip,amount\n02134,1.5\n10001,2\nNA,3\n", options);

        Assert.Equal(ColumnKind.Categorical, table["zip"].Kind);
        Assert.Equal(new string?[] { "02134", "10001", null }, table["zip"].Texts);
        Assert.Equal(ColumnKind.Numeric, table["amount"].Kind);
    }

    [Fact]
    public void Rejects_a_forced_categorical_column_that_is_not_in_the_file()
    {
        var options = new CsvReadOptions { CategoricalColumns = new HashSet<string> { "zip" } };

        var error = Assert.Throws<CsvFormatException>(() => ReadText("a\n1\n", options));

        Assert.Contains("'zip'", error.Message);
    }

    [Fact]
    public void Reports_a_short_row_with_its_line_and_the_missing_column()
    {
        // The quoted line break makes the bad row start on line 5, not line 4.
        var error = ReadFails("a,b,c\n1,2,3\n4,\"x\ny\",6\n7,8\n");

        Assert.Contains("Line 5", error.Message);
        Assert.Contains("'c'", error.Message);
    }

    [Fact]
    public void Reports_a_long_row_with_its_line_and_the_last_column()
    {
        var error = ReadFails("a,b\r\n1,2\r\n3,4,5\r\n");

        Assert.Contains("Line 3", error.Message);
        Assert.Contains("'b'", error.Message);
    }

    [Fact]
    public void Skips_blank_lines_and_keeps_counting_lines_after_them()
    {
        var table = ReadText("a,b\n1,2\n\n3,4\n\n");
        Assert.Equal(new[] { 1.0, 3 }, table["a"].Numbers);

        var error = ReadFails("a,b\n\n\n1,2\n3\n");
        Assert.Contains("Line 5", error.Message);
    }

    [Fact]
    public void Reads_a_blank_line_in_a_single_column_file_as_a_missing_value()
    {
        var table = ReadText("a\n1\n\n3\n");

        Assert.Equal(3, table.RowCount);
        Assert.True(double.IsNaN(table["a"].Numbers![1]));
    }

    [Fact]
    public void Reports_an_unclosed_quote_with_its_line()
    {
        var error = ReadFails("a,b\n1,2\n3,\"4\n");

        Assert.Contains("Line 3", error.Message);
        Assert.Contains("column 2", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n\r\n")]
    public void Rejects_a_file_without_a_header(string csv)
    {
        var error = ReadFails(csv);

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Reads_a_header_without_rows_as_an_empty_table()
    {
        var table = ReadText("a,b\n");

        Assert.Equal(0, table.RowCount);
        Assert.Equal(2, table.Columns.Count);
    }

    [Fact]
    public void Rejects_duplicate_column_names()
    {
        var error = ReadFails("a,b,a\n1,2,3\n");

        Assert.Contains("Line 1", error.Message);
        Assert.Contains("'a'", error.Message);
        Assert.Contains("column 3", error.Message);
    }

    [Fact]
    public void Rejects_invalid_utf8_naming_the_line()
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,x\n2,y\n").ToList();
        bytes.InsertRange(bytes.Count - 2, new byte[] { 0xC3, 0x28 }); // a lead byte followed by a non-continuation byte

        var error = Assert.Throws<CsvFormatException>(() => CsvTableReader.Read(new MemoryStream(bytes.ToArray())));

        Assert.Contains("UTF-8", error.Message);
        Assert.Contains("Line 3", error.Message);
    }

    [Fact]
    public void Rejects_invalid_utf8_on_a_stream_that_cannot_seek()
    {
        var bytes = Encoding.UTF8.GetBytes("a\n1\n").Concat(new byte[] { 0xFF, (byte)'\n' }).ToArray();

        var error = Assert.Throws<CsvFormatException>(() => CsvTableReader.Read(new ForwardOnlyStream(bytes)));

        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void Schema_lists_kinds_and_sorted_categories()
    {
        var table = ReadText("x,color,ok\n1,red,true\n2,blue,false\n3,red,\n");

        var schema = table.Schema;

        Assert.Equal(new ColumnSchema("x", ColumnKind.Numeric, null), schema.Columns[0]);
        Assert.Equal(new ColumnSchema("color", ColumnKind.Categorical, new[] { "blue", "red" }), schema["color"]);
        Assert.Equal(ColumnKind.Boolean, schema["ok"].Kind);
        Assert.Equal(schema, TableSchema.Of(table));
    }

    [Fact]
    public void Schema_round_trips_through_json_with_kinds_as_wire_names()
    {
        var schema = ReadText("x,color\n1,red\n2,blue\n").Schema;

        var json = JsonSerializer.Serialize(schema);
        var back = JsonSerializer.Deserialize<TableSchema>(json);

        Assert.Contains("\"categorical\"", json);
        Assert.Contains("\"numeric\"", json);
        Assert.Equal(schema, back);
    }

    /// <summary>A stream like a network body: no seeking, no length.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
