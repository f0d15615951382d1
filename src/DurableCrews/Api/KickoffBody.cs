using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Notifications;

namespace DurableCrews.Api;

/// <summary>
/// Reads a kickoff body, <c>{ "inputs": { … }, "run_id"?: "…" }</c> (<c>runId</c> is accepted too), from JSON. Input values that are not
/// strings become their JSON text (numbers and booleans as written, objects and arrays as JSON). Every problem
/// is reported with its path; nothing is thrown for bad input.
/// </summary>
public static class KickoffBody
{
    /// <summary>The request (whenever the body is a JSON object) and the problems with the body.</summary>
    public static (KickoffRequest? Request, IReadOnlyList<DefinitionProblem> Problems) Read(ReadOnlyMemory<byte> json)
    {
        if (json.IsEmpty)
        {
            return (new KickoffRequest(), []);
        }

        using var document = JsonBody.Parse(json, "body", out var problem);
        return document is null ? (null, [problem!]) : Read(document.RootElement, "body");
    }

    /// <summary>Reads one kickoff object (also an item of a batch, or a queue message's fields): the request whenever it is an object, and its problems.</summary>
    public static (KickoffRequest? Request, IReadOnlyList<DefinitionProblem> Problems) Read(JsonElement body, string path)
    {
        var problems = new List<DefinitionProblem>();
        var request = JsonBody.Read(() => ReadObject(body, path, problems), path, problems);
        return (request, problems);
    }

    static KickoffRequest? ReadObject(JsonElement body, string path, List<DefinitionProblem> problems)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new DefinitionProblem(path, "must be a JSON object"));
            return null;
        }

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? runId = null;
        WebhookTargets? webhooks = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "inputs" when property.Value.ValueKind == JsonValueKind.Object:
                    foreach (var input in property.Value.EnumerateObject())
                    {
                        inputs[input.Name] = input.Value.ValueKind switch
                        {
                            JsonValueKind.String => input.Value.GetString()!,
                            _ => input.Value.GetRawText(),
                        };
                    }

                    break;
                case "inputs" when property.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "inputs":
                    problems.Add(new DefinitionProblem($"{path}.inputs", "must be an object of input names to values"));
                    break;
                case "run_id" or "runId" when runId is not null:
                    problems.Add(new DefinitionProblem($"{path}.{property.Name}", "the run id is given twice (run_id and its alias runId); give it once"));
                    break;
                case "run_id" or "runId" when property.Value.ValueKind == JsonValueKind.String:
                    runId = property.Value.GetString();
                    break;
                case "run_id" or "runId":
                    problems.Add(new DefinitionProblem($"{path}.{property.Name}", "must be a string"));
                    break;
                case "webhooks":
                    webhooks = ReadWebhooks(property.Value, $"{path}.webhooks", problems);
                    break;
                case "crew" or "flow":
                    break;
                default:
                    problems.Add(new DefinitionProblem($"{path}.{property.Name}", "unknown field; known fields: inputs, run_id (or runId), webhooks"));
                    break;
            }
        }

        // The request is returned with its problems, so that the caller can add the problems only the crew reveals.
        return new KickoffRequest { Inputs = inputs, RunId = runId, Webhooks = webhooks };
    }

    static WebhookTargets? ReadWebhooks(JsonElement value, string path, List<DefinitionProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new DefinitionProblem(path, "must be an object with any of: step, task, run (absolute http or https URLs)"));
            return null;
        }

        var targets = new WebhookTargets();
        foreach (var property in value.EnumerateObject())
        {
            string at = $"{path}.{property.Name}";
            Uri? url = null;
            if (property.Value.ValueKind != JsonValueKind.String || !WebhookTargets.TryParseUrl(property.Value.GetString(), out url))
            {
                problems.Add(new DefinitionProblem(at, "must be an absolute http or https URL"));
            }

            switch (property.Name)
            {
                case "step":
                    targets = targets with { Step = url };
                    break;
                case "task":
                    targets = targets with { Task = url };
                    break;
                case "run":
                    targets = targets with { Run = url };
                    break;
                default:
                    problems.Add(new DefinitionProblem(at, "unknown webhook; known: step, task, run"));
                    break;
            }
        }

        return targets;
    }
}
