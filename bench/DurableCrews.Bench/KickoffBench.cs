using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DurableCrews.Bench;

/// <summary>
/// Kickoff latency (POST → 202) of one <c>durablecrews serve</c> on Azurite: 10 kickoffs one after another on an idle
/// worker, then 40 more one after another while the runs they started execute (two tasks each, model 250 ms).
/// </summary>
internal static class KickoffBench
{
    public static async Task RunAsync(string[] args)
    {
        using var azurite = await BenchAzurite.StartAsync();
        var arrivals = new ConcurrentQueue<(string Task, DateTime At)>();
        await using var model = await RecoveryBench.StartModelAsync(arrivals, (_, _) => Task.Delay(250));
        var serve = await RecoveryBench.StartServeChildAsync(ScaleOutBench.ServeSettings(azurite, model, "kickoff"));
        try
        {
            using var client = new HttpClient { BaseAddress = serve.Api };
            (await client.PutAsync("crews/kickoff", new StringContent(ScaleOutBench.TwoTaskCrew, Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
            // The first request of a process pays for JIT and connections: one warm-up, not counted.
            await KickoffAsync(client, "warm");
            await Task.Delay(3000);

            var idle = new List<double>();
            for (int i = 0; i < 10; i++)
            {
                idle.Add(await KickoffAsync(client, $"idle-{i}"));
                await Task.Delay(1000); // each run ends before the next kickoff
            }

            var busy = new List<double>();
            for (int i = 0; i < 40; i++)
            {
                busy.Add(await KickoffAsync(client, $"busy-{i}"));
            }

            Console.WriteLine("kickoff: POST /api/crews/{crew}/kickoff → 202, one serve on Azurite (Azure Storage provider), a two-task crew, model 250 ms");
            Console.WriteLine("| when | kickoffs | p50 ms | p90 ms | max ms |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            Console.WriteLine(Row("idle (one at a time, 1 s apart)", idle));
            Console.WriteLine(Row("busy (back to back, runs executing)", busy));
        }
        finally
        {
            serve.Process.Kill();
            await serve.Process.WaitForExitAsync();
        }
    }

    static async Task<double> KickoffAsync(HttpClient client, string id)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsync("crews/kickoff/kickoff", new StringContent($$$"""{"run_id":"{{{id}}}-{{{Guid.NewGuid():N}}}","inputs":{"ticket":"{{{id}}}"}}""", Encoding.UTF8, "application/json"));
        watch.Stop();
        response.EnsureSuccessStatusCode();
        return watch.Elapsed.TotalMilliseconds;
    }

    static string Row(string when, List<double> times)
    {
        var sorted = times.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"| {when} | {times.Count} | {BenchApp.Median(times):0} | {sorted[(int)(sorted.Count * 0.9)]:0} | {sorted[^1]:0} |");
    }
}
