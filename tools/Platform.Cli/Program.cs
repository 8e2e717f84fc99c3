using Platform.Cli;

// Progress bars only when a person is watching stderr; piped or redirected runs get plain progress lines.
return CliApp.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected);
