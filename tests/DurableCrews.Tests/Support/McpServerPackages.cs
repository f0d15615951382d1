using System.Diagnostics;

namespace DurableCrews.Tests.Support;

/// <summary>
/// The real MCP servers from npm (devDependencies, installed by <c>npm ci</c> as Azurite is): their entry scripts, the
/// settings that define them as stdio servers, and server-everything started over streamable HTTP on a loopback port.
/// </summary>
public static class McpServerPackages
{
    public static string Everything => Script("server-everything");

    public static string Filesystem => Script("server-filesystem");

    /// <summary>The settings that define a stdio server named <paramref name="name"/>: node running <paramref name="script"/> with <paramref name="args"/>.</summary>
    public static Dictionary<string, string?> Stdio(string name, string script, params string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"DurableCrews:Tools:Mcp:{name}:Command"] = "node",
            [$"DurableCrews:Tools:Mcp:{name}:Args:0"] = script,
        };
        for (int i = 0; i < args.Length; i++)
        {
            settings[$"DurableCrews:Tools:Mcp:{name}:Args:{i + 1}"] = args[i];
        }

        return settings;
    }

    static string Script(string package)
    {
        string script = Path.Combine(RepoPaths.Root, "node_modules", "@modelcontextprotocol", package, "dist", "index.js");
        return File.Exists(script)
            ? script
            : throw new InvalidOperationException($"@modelcontextprotocol/{package} is not installed at {script}: run 'npm ci' in the repository root (the README's test command does).");
    }

    /// <summary>server-everything over streamable HTTP at <c>http://127.0.0.1:{port}/mcp</c>, stopped when disposed.</summary>
    public sealed class HttpServer : IAsyncDisposable
    {
        readonly Process process;

        HttpServer(Process process, int port)
        {
            this.process = process;
            Endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        }

        public Uri Endpoint { get; }

        public static async Task<HttpServer> StartAsync()
        {
            int port = Azurite.FreePort();
            var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Everything);
            start.ArgumentList.Add("streamableHttp");
            start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new HttpServer(process, port);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!await Azurite.AcceptsAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    await server.DisposeAsync();
                    throw new InvalidOperationException($"server-everything did not start listening on 127.0.0.1:{port}.");
                }

                await Task.Delay(100);
            }

            return server;
        }

        public ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }

            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
