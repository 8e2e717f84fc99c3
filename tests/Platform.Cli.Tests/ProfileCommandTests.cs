using Platform.Tests;

namespace Platform.Cli.Tests;

public sealed class ProfileCommandTests
{
    [Fact]
    public void Profile_prints_json_with_the_row_count_and_one_entry_per_column()
    {
        var json = Cli.Succeeds("profile", "--data", SharedData.PathOf("diabetes.csv")).Json();

        Assert.Equal(442, json.GetProperty("rowCount").GetInt64());
        var columns = json.GetProperty("columns").EnumerateArray().ToArray();
        Assert.Equal(11, columns.Length);
        var bmi = columns.Single(c => c.GetProperty("name").GetString() == "bmi");
        Assert.Equal("numeric", bmi.GetProperty("kind").GetString());
        Assert.Equal(442, bmi.GetProperty("count").GetInt64());
        Assert.Equal(0, bmi.GetProperty("missing").GetInt64());
    }

    [Fact]
    public void Profile_reports_top_categories_of_a_text_column()
    {
        var json = Cli.Succeeds("profile", "--data", SharedData.PathOf("iris.csv")).Json();

        var species = json.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "species");
        Assert.Equal("categorical", species.GetProperty("kind").GetString());
        Assert.Equal(3, species.GetProperty("topCategories").GetArrayLength());
    }
}
