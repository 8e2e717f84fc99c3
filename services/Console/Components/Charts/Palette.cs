namespace Platform.OperatorConsole.Components.Charts;

public static class Palette
{
    private static readonly string[] Colours = ["#0f6cbd", "#c50f1f", "#107c10", "#bc4b09", "#8764b8", "#038387", "#ca5010", "#4f6bed", "#986f0b", "#e3008c"];

    public static string Of(int index) => Colours[index % Colours.Length];
}
