using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.Definitions;

/// <summary>
/// A crew written back in the shape a crew document has (the one <see cref="CrewDefinitionLoader"/> reads): agents and
/// tasks as mappings by name, CrewAI's field names, unset fields left out. What <c>GET /api/crews/{crew}</c> answers
/// can be sent to <c>PUT</c> as it is.
/// </summary>
public static class CrewDocument
{
    /// <summary>The crew as a crew document.</summary>
    public static JsonObject From(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var document = new JsonObject
        {
            ["name"] = crew.Name,
            ["process"] = crew.Process.ToString().ToLowerInvariant(),
        };
        Add(document, "manager_agent", crew.ManagerAgent);
        Add(document, "manager_llm", crew.ManagerLlm);
        Add(document, "llm", crew.Llm);
        AddFlag(document, "memory", crew.Memory);
        if (crew.Embedder is { } embedder)
        {
            var config = new JsonObject();
            Add(config, "model", embedder.Model);
            Add(config, "dimensions", embedder.Dimensions);
            Add(config, "chunk_size", embedder.ChunkSize);
            document["embedder"] = config.Count == 0 ? new JsonObject { ["provider"] = embedder.Provider } : new JsonObject { ["provider"] = embedder.Provider, ["config"] = config };
        }

        AddFlag(document, "cache", crew.Cache);
        Add(document, "max_rpm", crew.MaxRpm);
        Add(document, "max_execution_time", crew.MaxExecutionTime);
        AddFlag(document, "planning", crew.Planning);
        Add(document, "planning_llm", crew.PlanningLlm);
        Add(document, "function_calling_llm", crew.FunctionCallingLlm);
        Add(document, "step_callback", crew.StepCallback);
        Add(document, "task_callback", crew.TaskCallback);
        AddFlag(document, "verbose", crew.Verbose);

        var agents = new JsonObject();
        foreach (var agent in crew.Agents)
        {
            var fields = new JsonObject { ["role"] = agent.Role, ["goal"] = agent.Goal, ["backstory"] = agent.Backstory };
            Add(fields, "llm", agent.Llm);
            Add(fields, "function_calling_llm", agent.FunctionCallingLlm);
            if (agent.Tools.Count > 0)
            {
                fields["tools"] = new JsonArray(agent.Tools.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
            }

            AddFlag(fields, "allow_delegation", agent.AllowDelegation);
            fields["max_iter"] = agent.MaxIter;
            Add(fields, "max_rpm", agent.MaxRpm);
            Add(fields, "max_execution_time", agent.MaxExecutionTime);
            fields["max_retry_limit"] = agent.MaxRetryLimit;
            if (agent.Memory is bool memory)
            {
                fields["memory"] = memory;
            }

            AddFlag(fields, "verbose", agent.Verbose);
            AddKnowledge(fields, agent.KnowledgeSources, agent.KnowledgeConfig);
            agents[agent.Name] = fields;
        }

        var tasks = new JsonObject();
        foreach (var task in crew.Tasks)
        {
            var fields = new JsonObject { ["description"] = task.Description, ["expected_output"] = task.ExpectedOutput };
            Add(fields, "agent", task.Agent);
            if (task.Tools is { } tools)
            {
                fields["tools"] = new JsonArray(tools.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
            }

            if (task.Context is { } context)
            {
                fields["context"] = new JsonArray(context.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            }

            if (task.OutputJson is { } schema)
            {
                fields["output_json"] = JsonNode.Parse(schema.GetRawText());
            }

            Add(fields, "output_file", task.OutputFile);
            AddFlag(fields, "async_execution", task.AsyncExecution);
            AddFlag(fields, "human_input", task.HumanInput);
            Add(fields, "guardrail", task.Guardrail);
            if (task.Guardrail is not null)
            {
                fields["guardrail_max_retries"] = task.GuardrailMaxRetries;
            }

            tasks[task.Name] = fields;
        }

        document["agents"] = agents;
        document["tasks"] = tasks;
        if (crew.Tools.Count > 0)
        {
            document["tools"] = new JsonObject(crew.Tools.Select(t => KeyValuePair.Create(t.Name, (JsonNode?)Tool(t))));
        }

        AddKnowledge(document, crew.KnowledgeSources, crew.KnowledgeSources.Count > 0 || crew.KnowledgeConfig != new KnowledgeConfig() ? crew.KnowledgeConfig : null);
        if (crew.Files.Count > 0)
        {
            document["files"] = new JsonObject(crew.Files.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value))));
        }

        return document;
    }

    static JsonObject Tool(ToolDefinition tool)
    {
        var fields = new JsonObject();
        if (tool.Kind != ToolKind.Builtin)
        {
            fields["kind"] = tool.Kind.ToString().ToLowerInvariant();
        }

        Add(fields, "kind", tool.Builtin);
        foreach (var (argument, value) in tool.Pinned)
        {
            fields[argument] = value;
        }

        Add(fields, "description", tool.Description);
        Add(fields, "server", tool.Server);
        if (tool.Kind == ToolKind.Http)
        {
            fields["method"] = tool.Method;
        }

        Add(fields, "url", tool.Url);
        if (tool.Headers.Count > 0)
        {
            fields["headers"] = new JsonObject(tool.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value))));
        }

        if (tool.Include.Count > 0)
        {
            fields["tools"] = new JsonArray(tool.Include.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        }

        if (tool.Parameters is { } parameters)
        {
            fields["parameters"] = JsonNode.Parse(parameters.GetRawText());
        }

        if (tool.Body is { } body)
        {
            fields["body"] = JsonNode.Parse(body);
        }

        Add(fields, "managed_identity", tool.IdentityScope);
        Add(fields, "timeout", tool.TimeoutSeconds);
        if (tool.Retries > 0)
        {
            fields["retries"] = tool.Retries;
            fields["retry_delay"] = tool.RetryDelaySeconds;
        }

        AddFlag(fields, "cache", tool.Cache);
        AddFlag(fields, "result_as_answer", tool.ResultAsAnswer);
        Add(fields, "max_result_chars", tool.MaxResultChars);
        return fields;
    }

    /// <summary>The crew as the JSON text of a crew document.</summary>
    public static string ToJson(CrewDefinition crew) => From(crew).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    static void Add(JsonObject fields, string name, string? value)
    {
        if (value is not null)
        {
            fields[name] = value;
        }
    }

    static void Add(JsonObject fields, string name, int? value)
    {
        if (value is not null)
        {
            fields[name] = value;
        }
    }

    static void AddFlag(JsonObject fields, string name, bool value)
    {
        if (value)
        {
            fields[name] = true;
        }
    }

    static void AddKnowledge(JsonObject fields, IReadOnlyList<KnowledgeSource> sources, KnowledgeConfig? config)
    {
        if (sources.Count > 0)
        {
            fields["knowledge_sources"] = new JsonArray(sources.Select(source =>
            {
                var item = new JsonObject { ["type"] = source.Kind.ToString().ToLowerInvariant(), ["name"] = source.Name };
                Add(item, "content", source.Content);
                Add(item, "file", source.File);
                item["chunk_size"] = source.ChunkSize;
                item["chunk_overlap"] = source.ChunkOverlap;
                return (JsonNode?)item;
            }).ToArray());
        }

        if (config is not null)
        {
            fields["knowledge_config"] = new JsonObject { ["results_limit"] = config.ResultsLimit, ["score_threshold"] = config.ScoreThreshold };
        }
    }
}
