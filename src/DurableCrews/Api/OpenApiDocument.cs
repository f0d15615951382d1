using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DurableCrews.Api;

/// <summary>The run API as an OpenAPI 3 document, built from <see cref="ApiRouteTable.Routes"/> so it lists every endpoint there is.</summary>
public static partial class OpenApiDocument
{
    /// <summary>The document for <paramref name="routes"/>.</summary>
    public static JsonObject Build(IEnumerable<ApiRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var paths = new JsonObject();
        foreach (var route in routes)
        {
            string path = "/api/" + route.Template;
            if (paths[path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[path] = item;
            }

            var parameters = new JsonArray();
            foreach (Match value in RouteValue().Matches(route.Template))
            {
                parameters.Add(Parameter(value.Groups[1].Value, "path", required: true));
            }

            foreach (string query in route.Query)
            {
                parameters.Add(Parameter(query, "query", required: false));
            }

            var operation = new JsonObject
            {
                ["operationId"] = route.Name,
                ["summary"] = route.Summary,
                ["parameters"] = parameters,
                ["responses"] = Responses(route),
            };
            if (route.Body is { } body)
            {
                operation["requestBody"] = new JsonObject
                {
                    ["required"] = true,
                    ["description"] = body,
                    ["content"] = route.Method == "PUT" || route.Name == "ValidateCrew"
                        ? new JsonObject { ["application/yaml"] = new JsonObject(), ["application/json"] = new JsonObject() }
                        : new JsonObject { ["application/json"] = new JsonObject() },
                };
            }

            item[route.Method.ToLowerInvariant()] = operation;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "DurableCrews run API",
                ["version"] = "1.0",
                ["description"] = "Start, follow and control CrewAI-style crews run as durable orchestrations. Errors are application/problem+json with every problem and its path.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject
                {
                    ["Problem"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["status"] = new JsonObject { ["type"] = "integer" },
                            ["title"] = new JsonObject { ["type"] = "string" },
                            ["detail"] = new JsonObject { ["type"] = "string" },
                            ["errors"] = new JsonObject
                            {
                                ["type"] = "array",
                                ["items"] = new JsonObject
                                {
                                    ["type"] = "object",
                                    ["properties"] = new JsonObject { ["path"] = new JsonObject { ["type"] = "string" }, ["message"] = new JsonObject { ["type"] = "string" } },
                                },
                            },
                        },
                    },
                },
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() }),
        };
    }

    static JsonObject Parameter(string name, string where, bool required) => new()
    {
        ["name"] = name,
        ["in"] = where,
        ["required"] = required,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    static JsonObject Responses(ApiRoute route)
    {
        var responses = new JsonObject();
        int success = route.Name is ApiRoutes.KickoffCrew or ApiRoutes.KickoffCrewBatch or ApiRoutes.TerminateRun or ApiRoutes.RaiseRunEvent or ApiRoutes.ReplayRun ? 202 : 200;
        responses[success.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["description"] = "Success.", ["content"] = new JsonObject { ["application/json"] = new JsonObject() } };
        if (route.Name == ApiRoutes.KickoffCrew)
        {
            responses["200"] = new JsonObject { ["description"] = "The run ended within ?wait= seconds: its status and output." };
        }

        foreach (var (status, description) in new[] { ("400", "Invalid: every problem with its path."), ("404", "No such crew or run."), ("409", "The run id is taken, or the run's state forbids this."), ("413", "The body is over 1 MB."), ("415", "The body's media type is not accepted.") })
        {
            responses[status] = new JsonObject
            {
                ["description"] = description,
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
            };
        }

        return responses;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex RouteValue();
}
