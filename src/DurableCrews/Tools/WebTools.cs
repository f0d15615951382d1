using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using DurableCrews.Definitions;
using DurableCrews.Outbound;
using Json.Schema;

namespace DurableCrews.Tools;

/// <summary>
/// The tools that make HTTP requests: <c>web_fetch</c> (GET a page, HTML turned into text) and a crew's <c>http</c>
/// tools (one templated call). Every request goes through the tools' outbound destination policy (checked on the URL
/// and again on every address connected to), follows no redirects, reads at most
/// <see cref="ToolOptions.MaxResponseBytes"/> and takes secrets from settings (<c>{setting:NAME}</c>, <see cref="ToolSecrets.Fill"/>).
/// </summary>
public sealed class WebTools
{
    /// <summary>The name of the HTTP client tools use.</summary>
    public const string HttpClientName = "durablecrews-tools";

    readonly IHttpClientFactory clients;
    readonly DestinationPolicy policy;
    readonly ToolOptions options;
    readonly ToolSecrets settings;
    readonly Lazy<TokenCredential> identity = new(() => new DefaultAzureCredential());

    /// <summary>Creates the web tools.</summary>
    public WebTools(IHttpClientFactory clients, OutboundPolicies outbound, ToolOptions options, ToolSecrets settings)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        this.clients = clients;
        policy = outbound.Tools;
        this.options = options;
        this.settings = settings;
    }

    /// <summary>The declaration of an http tool.</summary>
    public static AgentTool Declare(ToolDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new AgentTool(definition.Name, definition.Description ?? definition.Name, definition.Parameters ?? FileTools.Schema(), definition);
    }

    /// <summary>GETs a page and returns its readable text.</summary>
    public async Task<string> FetchAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        string url = FileTools.StringArgument(arguments, "url", required: true)!.Trim();
        if (policy.Check(url, out var uri) is { } refused)
        {
            throw new ToolFailedException($"web_fetch refused {url}: {refused}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("text/html, text/plain;q=0.9, application/json;q=0.8, */*;q=0.1");
        var (body, mediaType) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (mediaType is not null && !IsText(mediaType))
        {
            throw new ToolFailedException($"{url} answered with {mediaType}, which is not text");
        }

        return HtmlText.IsHtml(mediaType, body) ? HtmlText.Convert(body) : body;
    }

    /// <summary>Makes an http tool's call with the model's arguments and returns the response body.</summary>
    public async Task<string> CallAsync(ToolDefinition tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var values = CheckArguments(tool, arguments);
        string url = settings.Fill(ToolDefinitionReader.Placeholder().Replace(tool.Url!, m => values.TryGetValue(m.Groups[1].Value, out var value) ? Uri.EscapeDataString(Text(value)) : m.Value.StartsWith("{setting:", StringComparison.Ordinal) ? m.Value : string.Empty));
        if (policy.Check(url, out var uri) is { } refused)
        {
            throw new ToolFailedException($"the tool '{tool.Name}' may not call {tool.Url}: {refused}");
        }

        using var request = new HttpRequestMessage(new HttpMethod(tool.Method), uri);
        foreach (var (name, template) in tool.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, settings.Fill(template));
        }

        if (tool.IdentityScope is { } scope)
        {
            var token = await identity.Value.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }

        if (tool.Body is { } body)
        {
            var node = Fill(JsonNode.Parse(body), values);
            request.Content = new StringContent(node?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");
        }

        var (text, _) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return text;
    }

    async Task<(string Body, string? MediaType)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is DestinationRefusedException refused)
        {
            throw new ToolFailedException($"refused {request.RequestUri}: {refused.Message}");
        }
        catch (HttpRequestException ex)
        {
            throw new ToolFailedException($"{request.Method} {request.RequestUri} failed: {ex.Message}", retryable: true, ex);
        }

        using (response)
        {
            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            var (body, cut) = await ReadBoundedAsync(response.Content, options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                throw new ToolFailedException($"{request.RequestUri} answered {status} (a redirect to {response.Headers.Location}); redirects are not followed: call that URL instead");
            }

            if (!response.IsSuccessStatusCode)
            {
                bool retryable = status is 408 or 429 or >= 500;
                throw new ToolFailedException($"{request.Method} {request.RequestUri} answered {status} {response.ReasonPhrase}: {Trim(body, 500)}", retryable);
            }

            return (cut ? $"{body}\n\n[The response was cut at {options.MaxResponseBytes} bytes.]" : body, mediaType);
        }
    }

    static async Task<(string Text, bool Cut)> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        using var kept = new MemoryStream();
        int read;
        while (kept.Length <= maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, maxBytes + 1 - kept.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            kept.Write(buffer, 0, read);
        }

        bool cut = kept.Length > maxBytes;
        var bytes = kept.GetBuffer().AsSpan(0, (int)Math.Min(kept.Length, maxBytes));
        Encoding encoding = Encoding.UTF8;
        if (content.Headers.ContentType?.CharSet is { } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                encoding = Encoding.UTF8;
            }
        }

        return (encoding.GetString(bytes), cut);
    }

    static Dictionary<string, JsonElement> CheckArguments(ToolDefinition tool, JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw new ToolFailedException($"the arguments of '{tool.Name}' must be a JSON object");
        }

        if (tool.Parameters is { } schema)
        {
            JsonSchema parsed;
            try
            {
                parsed = JsonSchema.FromText(schema.GetRawText());
            }
            catch (JsonException ex)
            {
                throw new ToolFailedException($"the tool's parameters are not a usable JSON schema: {ex.Message}");
            }

            if (Agents.OutputJsonParser.Check(parsed, arguments) is { } errors)
            {
                throw new ToolFailedException($"the arguments do not match the tool's parameters: {errors}");
            }
        }

        return arguments.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    static JsonNode? Fill(JsonNode? node, IReadOnlyDictionary<string, JsonElement> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    obj[key] = Fill(child?.DeepClone(), values);
                }

                return obj;
            case JsonArray array:
                var items = array.Select(item => Fill(item?.DeepClone(), values)).ToList();
                array.Clear();
                items.ForEach(array.Add);
                return array;
            case JsonValue value when value.TryGetValue(out string? text):
                var whole = ToolDefinitionReader.Placeholder().Match(text);
                if (whole.Success && whole.Length == text.Length && !text.StartsWith("{setting:", StringComparison.Ordinal))
                {
                    return values.TryGetValue(whole.Groups[1].Value, out var argument) ? JsonNode.Parse(argument.GetRawText()) : null;
                }

                return JsonValue.Create(ToolDefinitionReader.Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var v) ? Text(v) : m.Value));
            default:
                return node;
        }
    }

    static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText();

    static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase);

    static string Trim(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
