using System.Collections.Concurrent;
using System.Text.Json;
using DurableCrews.Definitions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DurableCrews.Tools;

/// <summary>
/// The MCP servers of this worker, one connection each, pooled: a stdio server (defined only in settings) is started on
/// first use and started again when it has died; a streamable HTTP server is reached through the tools' outbound policy
/// when a crew names it by URL. A server's tool list is read once per connection.
/// </summary>
public sealed class McpServers : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, Lazy<Task<Connection>>> connections = new(StringComparer.Ordinal);
    readonly ToolOptions options;
    readonly IHttpClientFactory clients;
    readonly ToolSecrets secrets;
    readonly ILoggerFactory logging;

    /// <summary>Creates the pool.</summary>
    public McpServers(ToolOptions options, IHttpClientFactory clients, ToolSecrets secrets, ILoggerFactory? logging = null)
    {
        this.options = options;
        this.clients = clients;
        this.secrets = secrets;
        this.logging = logging ?? NullLoggerFactory.Instance;
    }

    /// <summary>How many server processes or sessions this worker has started, restarts included.</summary>
    public int Started => started;

    int started;

    /// <summary>The tools of the server an <c>mcp</c> tool definition names, narrowed to its <c>tools:</c> when it has one.</summary>
    public async Task<IReadOnlyList<AgentTool>> ToolsAsync(ToolDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var connection = await UseAsync(definition, cancellationToken).ConfigureAwait(false);
        var tools = connection.Tools
            .Where(t => definition.Include.Count == 0 || definition.Include.Contains(t.Name))
            .Select(t => new AgentTool(t.Name, t.Description ?? t.Name, t.JsonSchema, definition, t.Name))
            .ToList();
        var missing = definition.Include.Where(name => connection.Tools.All(t => t.Name != name)).ToList();
        if (missing.Count > 0)
        {
            throw new ToolFailedException($"the MCP server of '{definition.Name}' has no tool named {string.Join(", ", missing.Select(m => $"'{m}'"))}; it has: {string.Join(", ", connection.Tools.Select(t => t.Name))}");
        }

        return tools;
    }

    /// <summary>Calls a tool of the server; a server that died is started again once.</summary>
    public async Task<string> CallAsync(ToolDefinition definition, string tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var values = arguments.ValueKind == JsonValueKind.Object
            ? arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal)
            : throw new ToolFailedException($"the arguments of '{tool}' must be a JSON object");
        for (int attempt = 0; ; attempt++)
        {
            var connection = await UseAsync(definition, cancellationToken).ConfigureAwait(false);
            CallToolResult result;
            try
            {
                result = await connection.Client.CallToolAsync(tool, values, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (McpProtocolException ex)
            {
                throw new ToolFailedException($"the MCP tool '{tool}' failed: {ex.Message}");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not ToolFailedException)
            {
                // The connection broke (the process died, the session ended): start a new one, once.
                await DropAsync(connection).ConfigureAwait(false);
                if (attempt > 0)
                {
                    throw new ToolFailedException($"the MCP server of '{definition.Name}' failed: {ex.Message}", retryable: true, ex);
                }

                continue;
            }

            string text = string.Join("\n", result.Content.Select(Describe));
            if (text.Length == 0 && result.StructuredContent is { } structured)
            {
                text = structured.ToString();
            }

            return result.IsError == true ? throw new ToolFailedException($"the MCP tool '{tool}' answered with an error: {text}") : text;
        }
    }

    static string Describe(ContentBlock block) => block switch
    {
        TextContentBlock text => text.Text,
        EmbeddedResourceBlock { Resource: TextResourceContents resource } => resource.Text,
        ResourceLinkBlock link => $"[resource: {link.Uri}]",
        _ => $"[{block.Type} content]",
    };

    async Task<Connection> UseAsync(ToolDefinition definition, CancellationToken cancellationToken)
    {
        string key = KeyOf(definition);
        while (true)
        {
            var lazy = connections.GetOrAdd(key, _ => new Lazy<Task<Connection>>(() => ConnectAsync(key, definition)));
            Connection connection;
            try
            {
                connection = await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (lazy.Value.IsFaulted)
            {
                // A connection that could not be made is not kept: the next call tries again.
                connections.TryRemove(KeyValuePair.Create(key, lazy));
                if (ex is ToolFailedException)
                {
                    throw;
                }

                throw new ToolFailedException($"the MCP server of '{definition.Name}' could not be reached: {ex.Message}", retryable: true, ex);
            }

            // A stdio server that has exited is started again.
            if (connection.Transport is StdioClientTransport && connection.Client.Completion.IsCompleted)
            {
                await DropAsync(connection).ConfigureAwait(false);
                continue;
            }

            return connection;
        }
    }

    async Task<Connection> ConnectAsync(string key, ToolDefinition definition)
    {
        IClientTransport transport;
        if (definition.Server is { } name)
        {
            var server = options.Mcp.GetValueOrDefault(name)
                ?? throw new ToolFailedException($"no MCP server named '{name}' is defined in this server's settings (DurableCrews__Tools__Mcp__{name}__Command or __Url)");
            transport = server.Command is { Length: > 0 } command
                ? new StdioClientTransport(new StdioClientTransportOptions
                {
                    Name = name,
                    Command = command,
                    Arguments = server.Args,
                    WorkingDirectory = server.WorkingDirectory,
                    InheritEnvironmentVariables = false,
                    EnvironmentVariables = Environment(server.Env),
                }, logging)
                : server.Url is { Length: > 0 } url
                    ? new HttpClientTransport(new HttpClientTransportOptions { Name = name, Endpoint = new Uri(url), TransportMode = HttpTransportMode.StreamableHttp, AdditionalHeaders = server.Headers }, clients.CreateClient(), logging, ownsHttpClient: false)
                    : throw new ToolFailedException($"the MCP server '{name}' has neither a Command nor a Url in the settings");
        }
        else
        {
            var headers = definition.Headers.ToDictionary(h => h.Key, h => secrets.Fill(h.Value), StringComparer.OrdinalIgnoreCase);
            transport = new HttpClientTransport(
                new HttpClientTransportOptions { Name = definition.Name, Endpoint = new Uri(definition.Url!), TransportMode = HttpTransportMode.StreamableHttp, AdditionalHeaders = headers },
                clients.CreateClient(WebTools.HttpClientName), logging, ownsHttpClient: false);
        }

        Interlocked.Increment(ref started);
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(10, options.TimeoutSeconds)));
        var client = await McpClient.CreateAsync(transport, new McpClientOptions { ClientInfo = new Implementation { Name = "DurableCrews", Version = "1.0" } }, logging, connecting.Token).ConfigureAwait(false);
        try
        {
            var tools = await client.ListToolsAsync(cancellationToken: connecting.Token).ConfigureAwait(false);
            return new Connection(key, client, transport, tools.Select(t => (AIFunctionDeclaration)t).ToList());
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    static Dictionary<string, string?> Environment(Dictionary<string, string> configured)
    {
        var environment = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach (var (name, value) in configured)
        {
            environment[name] = value;
        }

        return environment;
    }

    async Task DropAsync(Connection connection)
    {
        if (connections.TryGetValue(connection.Key, out var current) && current.IsValueCreated && current.Value.IsCompletedSuccessfully && ReferenceEquals(current.Value.Result, connection))
        {
            connections.TryRemove(KeyValuePair.Create(connection.Key, current));
        }

        try
        {
            await connection.Client.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or McpException or OperationCanceledException)
        {
            // The connection is gone either way.
        }
    }

    static string KeyOf(ToolDefinition definition) => definition.Server is { } server
        ? $"server:{server}"
        : $"url:{definition.Url}|{string.Join('|', definition.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"))}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in connections.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await DropAsync(lazy.Value.Result).ConfigureAwait(false);
            }
        }

        connections.Clear();
    }

    sealed record Connection(string Key, McpClient Client, IClientTransport Transport, IReadOnlyList<AIFunctionDeclaration> Tools);
}
