using DurableCrews.Cli;

using var shutdown = new CliShutdown();
int exitCode = await CliApp.RunAsync(args, Console.Out, Console.Error, shutdown: shutdown.Token);

// The engine's libraries can leave foreground threads behind (gRPC reconnect loops); the work is done and saved.
Environment.Exit(exitCode);
