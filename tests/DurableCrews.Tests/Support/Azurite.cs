using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DurableCrews.Tests.Support;

/// <summary>
/// Azurite from the repository's node_modules (installed by <c>npm ci</c>), started on free loopback ports, for the
/// tests that need real Azure Storage. As a collection fixture it keeps its data in memory; started on a folder
/// (<see cref="StartOnDiskAsync"/>) it can be stopped, started again on the same data and ports, or frozen, as an
/// outage of the storage account would be.
/// </summary>
public sealed class Azurite : IAsyncLifetime, IAsyncDisposable
{
    Process? process;
    string? location;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public Task InitializeAsync()
    {
        (BlobPort, QueuePort, TablePort) = (FreePort(), FreePort(), FreePort());
        return LaunchAsync();
    }

    /// <summary>An Azurite that keeps its data in <paramref name="folder"/>, so that it can be stopped and started again on it.</summary>
    public static async Task<Azurite> StartOnDiskAsync(string folder)
    {
        var azurite = new Azurite { location = folder };
        await azurite.InitializeAsync();
        return azurite;
    }

    /// <summary>Stops Azurite as an operator would (SIGTERM: it saves its data and exits), waiting for the exit.</summary>
    public async Task StopAsync()
    {
        var running = process ?? throw new InvalidOperationException("Azurite is not running.");
        ChildSignals.Send(running, ChildSignals.SigTerm);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await running.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }

        running.Dispose();
        process = null;
    }

    /// <summary>Starts a stopped Azurite again on the same ports and data.</summary>
    public Task RestartAsync() =>
        process is null ? LaunchAsync() : throw new InvalidOperationException("Azurite is already running.");

    /// <summary>Freezes the process (SIGSTOP): connections are accepted by the kernel and not answered until <see cref="Thaw"/>.</summary>
    public void Freeze() => ChildSignals.Send(process ?? throw new InvalidOperationException("Azurite is not running."), ChildSignals.SigStop);

    /// <summary>Lets a frozen Azurite go on (SIGCONT).</summary>
    public void Thaw() => ChildSignals.Send(process ?? throw new InvalidOperationException("Azurite is not running."), ChildSignals.SigCont);

    async Task LaunchAsync()
    {
        string script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}: run 'npm ci' in the repository root (the README's test command does).");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] storage = location is null ? ["--inMemoryPersistence"] : ["--location", location];
        foreach (string arg in new[]
        {
            script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}",
        }.Concat(storage))
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (int port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await AcceptsAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Azurite did not start listening on 127.0.0.1:{port}.");
                }

                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            Thaw();
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process?.Dispose();
        return Task.CompletedTask;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
