namespace Platform.Ml.Tests.Statistics;

internal static class ReferenceCaseNames
{
    public static TheoryData<string> Of(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in ReferenceData.Cases(section)) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }
}
