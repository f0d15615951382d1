using System.Text.Json;
using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>Reads the fields of the tools a crew reaches over the network: an MCP server's tools, and one HTTP call; checks their URLs, placeholders and headers.</summary>
internal static partial class RemoteToolReader
{
    static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>An <c>mcp</c> tool: a server from the settings, or a streamable HTTP endpoint.</summary>
    public static ToolDefinition ReadMcp(ToolDefinition tool, YamlFields fields)
    {
        string? server = fields.String("server");
        string? url = fields.String("url");
        if ((server is null) == (url is null))
        {
            fields.Problem(string.Empty, "an mcp tool needs either 'server' (a server defined in the settings DurableCrews__Tools__Mcp__NAME__…) or 'url' (a streamable HTTP endpoint), not both");
        }

        if (server is not null && !DefinitionNames.IsValid(server))
        {
            fields.Problem("server", $"'{server}' {DefinitionNames.Rule()}");
        }

        if (url is not null)
        {
            CheckUrl(fields, url, allowPlaceholders: false);
        }

        if (server is not null && fields.Has("headers"))
        {
            fields.Problem("headers", "a server defined in settings takes its headers from the settings too (DurableCrews__Tools__Mcp__NAME__Headers__HEADER)");
        }

        return tool with { Server = server, Url = url, Headers = Headers(fields), Include = fields.StringList("tools") ?? [] };
    }

    /// <summary>An <c>http</c> tool: one request, its arguments in the URL or the body.</summary>
    public static ToolDefinition ReadHttp(ToolDefinition tool, YamlFields fields)
    {
        string method = (fields.String("method") ?? "GET").ToUpperInvariant();
        if (!Methods.Contains(method))
        {
            fields.Problem("method", $"must be one of {string.Join(", ", Methods)}, not '{method}'");
        }

        if (tool.Description is null)
        {
            fields.Problem("description", "required: the model decides when to call the tool from its description");
        }

        var parameters = fields.Json("parameters");
        var properties = new HashSet<string>(StringComparer.Ordinal);
        if (parameters is null)
        {
            if (!fields.Has("parameters"))
            {
                fields.Problem("parameters", "required: the JSON schema of the tool's arguments, such as {type: object, properties: {query: {type: string}}, required: [query]}");
            }
        }
        else if (parameters.Value.ValueKind != JsonValueKind.Object || !parameters.Value.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object
            || (parameters.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "object"))
        {
            fields.Problem("parameters", "must be an object schema with 'properties' (type: object)");
        }
        else
        {
            properties.UnionWith(props.EnumerateObject().Select(p => p.Name));
        }

        string? url = fields.String("url", required: true);
        if (url is not null)
        {
            CheckUrl(fields, url, allowPlaceholders: true);
            // A placeholder that is not an argument is a kickoff input, filled when the run starts.
            foreach (string placeholder in ToolDefinitionReader.Placeholders(url).Where(p => !properties.Contains(p) && !InputName().IsMatch(p)))
            {
                fields.Problem("url", $"uses {{{placeholder}}}, which is neither a property of 'parameters' nor a kickoff input");
            }
        }

        var body = fields.Json("body");
        if (body is not null && method is "GET" or "DELETE")
        {
            fields.Problem("body", $"a {method} request has no body; use method: POST or put the arguments in the URL");
        }

        if (body is not null)
        {
            foreach (string placeholder in ToolDefinitionReader.Placeholders(body.Value.GetRawText()).Where(p => !properties.Contains(p)))
            {
                fields.Problem("body", $"uses {{{placeholder}}}, which is not a property of 'parameters'");
            }
        }

        return tool with
        {
            Method = method,
            Url = url,
            Parameters = parameters,
            Body = body?.GetRawText(),
            Headers = Headers(fields),
            IdentityScope = fields.String("managed_identity"),
        };
    }

    static void CheckUrl(YamlFields fields, string url, bool allowPlaceholders)
    {
        if (!Uri.TryCreate(ToolDefinitionReader.Placeholder().Replace(url, "x"), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            fields.Problem("url", $"must be an absolute http(s) URL, not '{url}'");
            return;
        }

        int authorityEnd = url.IndexOf('/', url.IndexOf("//", StringComparison.Ordinal) + 2);
        string authority = authorityEnd < 0 ? url : url[..authorityEnd];
        if (authority.Contains('{', StringComparison.Ordinal) || (!allowPlaceholders && url.Contains('{', StringComparison.Ordinal)))
        {
            fields.Problem("url", allowPlaceholders
                ? "the scheme and host must be written out: arguments go in the path or the query ({name})"
                : "must be written out, without placeholders");
        }
    }

    static IReadOnlyDictionary<string, string> Headers(YamlFields fields)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (fields.Mapping("headers") is not { } mapping)
        {
            return headers;
        }

        foreach (string name in mapping.Keys)
        {
            if (!HeaderName().IsMatch(name))
            {
                mapping.Problem(name, "is not an HTTP header name");
                continue;
            }

            if (mapping.String(name, required: true) is { } value)
            {
                if (value.Any(char.IsControl))
                {
                    mapping.Problem(name, "must not hold control characters");
                    continue;
                }

                foreach (Match placeholder in ToolDefinitionReader.Placeholder().Matches(value).Where(m => !m.Value.StartsWith("{setting:", StringComparison.Ordinal)))
                {
                    mapping.Problem(name, $"{placeholder.Value} is not allowed in a header; secrets come from settings as {{setting:NAME}}");
                }

                headers[name] = value;
            }
        }

        return headers;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*$")]
    private static partial Regex InputName();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderName();
}
