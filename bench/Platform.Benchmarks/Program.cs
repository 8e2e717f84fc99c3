using BenchmarkDotNet.Running;

// Every benchmark class chooses its own job (see BenchConfig): `dotnet run -c Release -- --filter '*Drift*'`.
BenchmarkSwitcher.FromAssembly(typeof(Platform.Benchmarks.BenchConfig).Assembly).Run(args);
