using DurableCrews.Bench;

return await BenchApp.RunAsync(args);
