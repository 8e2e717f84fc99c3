using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;
using Platform.Ml.Data;

namespace Platform.Cli.Infrastructure;

/// <summary>Which exceptions are the user's input at fault, and how to say so in one line.</summary>
internal static class Errors
{
    /// <summary>
    /// Input errors: the CLI's own checks, unreadable or malformed files, and the ML libraries' argument checks, which are
    /// all about the data they were given (a binary target with three classes, a fold count above the row count).
    /// </summary>
    public static bool IsInputError(Exception e) => e is InputException or CsvFormatException or FileNotFoundException
        or DirectoryNotFoundException or UnauthorizedAccessException or OnnxRuntimeException or ValidationException
        || (e is ArgumentException && e is not ArgumentNullException);

    public static string MessageOf(Exception e) => e is ArgumentException { ParamName: { } name } argument
        ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
        : e.Message;

    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
