using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DurableCrews.Bench;

/// <summary>Azurite for a benchmark: the one in <c>DURABLECREWS_BENCH_STORAGE</c>, or one started from the repository's node_modules.</summary>
internal sealed class BenchAzurite : IDisposable
{
    readonly Process? process;

    BenchAzurite(string connectionString, Process? process)
    {
        ConnectionString = connectionString;
        this.process = process;
    }

    public string ConnectionString { get; }

    public static async Task<BenchAzurite> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("DURABLECREWS_BENCH_STORAGE") is { Length: > 0 } given)
        {
            return new BenchAzurite(given, null);
        }

        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "DurableCrews.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("DurableCrews.sln not found above the benchmark.");
        }

        int[] ports = [FreePort(), FreePort(), FreePort()];
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[]
        {
            Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js"), "--silent", "--disableTelemetry", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}", "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        foreach (int port in ports)
        {
            for (int tries = 0; ; tries++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (tries < 100)
                {
                    await Task.Delay(100);
                }
            }
        }

        string connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
        return new BenchAzurite(connection, process);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
        }

        process?.Dispose();
    }
}
