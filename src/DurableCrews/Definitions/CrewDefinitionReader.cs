using DurableCrews.Models;
using DurableCrews.Notifications;

namespace DurableCrews.Definitions;

/// <summary>
/// Turns the fields of a crew document (crew, agents, tasks, embedder) into a <see cref="CrewDefinition"/>: which fields
/// are known, which are CrewAI settings DurableCrews ignores (warnings), and how each value is read and checked.
/// </summary>
internal static class CrewDefinitionReader
{
    static readonly HashSet<string> CrewFields =
    [
        "name", "process", "agents", "tasks", "manager_agent", "manager_llm", "llm", "memory", "embedder", "cache",
        "max_rpm", "max_execution_time", "planning", "planning_llm", "step_callback", "task_callback", "verbose",
        "tools", "files", "knowledge_sources", "knowledge_config", "function_calling_llm",
    ];

    static readonly HashSet<string> IgnoredCrewFields =
    [
        "full_output", "share_crew", "output_log_file", "language", "language_file",
        "prompt_file", "chat_llm", "before_kickoff_callbacks", "after_kickoff_callbacks", "stream", "tracing",
    ];

    static readonly HashSet<string> AgentFields =
    [
        "role", "goal", "backstory", "llm", "tools", "allow_delegation", "max_iter", "max_rpm", "max_execution_time",
        "max_retry_limit", "memory", "verbose", "knowledge_sources", "knowledge_config", "function_calling_llm",
    ];

    static readonly HashSet<string> IgnoredAgentFields =
    [
        "system_template", "prompt_template", "response_template", "cache",
        "allow_code_execution", "code_execution_mode", "respect_context_window", "use_system_prompt", "step_callback",
        "max_tokens", "inject_date", "date_format", "reasoning", "max_reasoning_attempts", "multimodal",
        "embedder", "callbacks", "config",
    ];

    static readonly HashSet<string> TaskFields =
    [
        "description", "expected_output", "agent", "context", "output_json", "output_file", "async_execution",
        "human_input", "guardrail", "guardrail_max_retries", "output_pydantic", "for_each", "max_parallel", "condition", "tools",
    ];

    static readonly HashSet<string> IgnoredTaskFields =
    [
        "callback", "create_directory", "markdown", "config", "name", "converter_cls",
        "max_retries",
    ];

    static readonly HashSet<string> NoFields = [];

    static readonly HashSet<string> EmbedderFields = ["provider", "config"];

    static readonly HashSet<string> EmbedderConfigFields = ["model", "dimensions", "chunk_size", "api_key", "url", "deployment_id", "api_base"];

    public static CrewLoadResult Build(YamlFields crew, List<YamlFields> agentFields, List<YamlFields> taskFields, string defaultName, List<DefinitionProblem> problems, List<DefinitionProblem> warnings, IReadOnlyDictionary<string, string>? folderFiles = null)
    {
        crew.CheckKnown(CrewFields, IgnoredCrewFields);
        string name = crew.String("name") ?? defaultName;
        if (!DefinitionNames.IsValid(name))
        {
            problems.Add(new DefinitionProblem("crew.name", $"'{name}' {DefinitionNames.Rule()}"));
        }

        var process = CrewProcess.Sequential;
        if (crew.String("process") is { } processText)
        {
            if (!Enum.TryParse(processText, ignoreCase: true, out process) || !Enum.IsDefined(process))
            {
                crew.Problem("process", $"must be 'sequential' or 'hierarchical', not '{processText}'");
            }
        }

        var tools = ToolDefinitionReader.Read(crew.Mapping("tools"), problems);
        var files = CrewFiles.ReadMapping(crew.Mapping("files"));
        if (folderFiles is { Count: > 0 })
        {
            if (files.Count > 0)
            {
                crew.Problem("files", $"the crew has a {CrewFiles.FolderName}/ folder; put its files there, not in crew.yaml too");
            }

            files = folderFiles;
        }

        var agents = agentFields.Select(a => ReadAgent(a, tools, files, problems)).ToList();

        var tasks = taskFields.Select(t => ReadTask(t, process, agents, tools)).ToList();
        var definition = new CrewDefinition
        {
            Name = name,
            Process = process,
            Agents = agents,
            Tasks = tasks,
            ManagerAgent = crew.String("manager_agent"),
            ManagerLlm = Llm(crew, "manager_llm"),
            Llm = Llm(crew, "llm"),
            Memory = crew.Bool("memory") ?? false,
            Embedder = ReadEmbedder(crew.Mapping("embedder")),
            Cache = crew.Bool("cache") ?? false,
            MaxRpm = crew.Int("max_rpm", 1),
            MaxExecutionTime = crew.Int("max_execution_time", 1),
            Planning = crew.Bool("planning") ?? false,
            PlanningLlm = Llm(crew, "planning_llm"),
            FunctionCallingLlm = Llm(crew, "function_calling_llm"),
            StepCallback = Url(crew, "step_callback"),
            TaskCallback = Url(crew, "task_callback"),
            Verbose = crew.Verbose("verbose") ?? false,
            Tools = tools,
            Files = files,
            KnowledgeSources = KnowledgeSourceReader.Read(crew, files, problems),
            KnowledgeConfig = KnowledgeSourceReader.ReadConfig(crew) ?? new KnowledgeConfig(),
        };

        CrewReferences.Check(definition, crew, taskFields, problems);
        TaskExpressionChecks.Check(definition, taskFields, problems);
        return problems.Count > 0
            ? new CrewLoadResult { Problems = problems, Warnings = warnings }
            : new CrewLoadResult { Definition = definition, Warnings = warnings };
    }

    static AgentDefinition ReadAgent(YamlFields agent, IReadOnlyList<ToolDefinition> tools, IReadOnlyDictionary<string, string> files, List<DefinitionProblem> problems)
    {
        agent.CheckKnown(AgentFields, IgnoredAgentFields);
        string name = agent.Key;
        if (!DefinitionNames.IsValid(name))
        {
            agent.Problem(string.Empty, $"the name '{name}' {DefinitionNames.Rule()}");
        }

        return new AgentDefinition
        {
            Name = name,
            Role = agent.String("role", required: true) ?? string.Empty,
            Goal = agent.String("goal", required: true) ?? string.Empty,
            Backstory = agent.String("backstory", required: true) ?? string.Empty,
            Llm = Llm(agent, "llm"),
            FunctionCallingLlm = Llm(agent, "function_calling_llm"),
            Tools = AgentToolNames.Resolve(agent, agent.StringList("tools") ?? [], tools),
            AllowDelegation = agent.Bool("allow_delegation") ?? false,
            MaxIter = agent.Int("max_iter", 1, 1000) ?? 20,
            MaxRpm = agent.Int("max_rpm", 1),
            MaxExecutionTime = agent.Int("max_execution_time", 1),
            MaxRetryLimit = agent.Int("max_retry_limit", 0, 100) ?? 2,
            Memory = agent.Bool("memory"),
            Verbose = agent.Verbose("verbose") ?? false,
            KnowledgeSources = KnowledgeSourceReader.Read(agent, files, problems),
            KnowledgeConfig = KnowledgeSourceReader.ReadConfig(agent),
        };
    }

    static TaskDefinition ReadTask(YamlFields task, CrewProcess process, IReadOnlyList<AgentDefinition> agents, IReadOnlyList<ToolDefinition> tools)
    {
        task.CheckKnown(TaskFields, IgnoredTaskFields);
        string name = task.Key;
        if (!DefinitionNames.IsValid(name))
        {
            task.Problem(string.Empty, $"the name '{name}' {DefinitionNames.Rule()}");
        }

        string? agent = task.String("agent");
        if (agent is null && process == CrewProcess.Sequential)
        {
            string choices = agents.Count == 0 ? "AGENT" : string.Join(" | ", agents.Select(a => a.Name));
            task.Problem(string.Empty,
                "agent: required in a sequential crew; no agent is assigned. CrewAI crews often assign agents in Python code: " +
                $"add '  {name}:\\n    agent: {choices}' under 'tasks:' in a crew.yaml beside agents.yaml, or set 'process: hierarchical' there to let a manager assign the work");
        }

        if (task.Has("output_pydantic") && !task.Has("output_json"))
        {
            task.Problem("output_pydantic",
                $"names a Python class, which DurableCrews cannot load; give the answer's shape as a JSON schema instead: add '  {name}:\\n    output_json: {{type: object, properties: {{…}}}}' under 'tasks:' in crew.yaml");
        }

        if (!task.Has("expected_output"))
        {
            task.Problem("expected_output", "required");
        }

        return new TaskDefinition
        {
            Name = name,
            Description = task.String("description", required: true) ?? string.Empty,
            ExpectedOutput = task.String("expected_output", required: false) ?? string.Empty,
            Agent = agent,
            Context = task.StringList("context"),
            OutputJson = task.Json("output_json"),
            OutputFile = OutputFile(task),
            AsyncExecution = task.Bool("async_execution") ?? false,
            HumanInput = task.Bool("human_input") ?? false,
            Guardrail = task.String("guardrail"),
            GuardrailMaxRetries = task.Int("guardrail_max_retries", 0, 100) ?? 3,
            ForEach = task.String("for_each"),
            MaxParallel = task.Int("max_parallel", 1, TaskExpressionChecks.MaxParallel) ?? 8,
            Condition = task.String("condition"),
            Tools = task.StringList("tools") is { } listed ? AgentToolNames.Resolve(task, listed, tools) : null,
        };
    }

    static string? OutputFile(YamlFields task)
    {
        if (task.String("output_file") is not { } file)
        {
            return null;
        }

        string? normalized = OutputFilePath.Normalize(file, out string? error);
        if (error is not null)
        {
            task.Problem("output_file", error);
        }

        return normalized;
    }

    static EmbedderDefinition? ReadEmbedder(YamlFields? embedder)
    {
        if (embedder is null)
        {
            return null;
        }

        embedder.CheckKnown(EmbedderFields, NoFields);
        var config = embedder.Mapping("config");
        config?.CheckKnown(EmbedderConfigFields, NoFields);
        foreach (string setting in (string[])["api_key", "url", "api_base"])
        {
            if (config?.String(setting) is not null)
            {
                config.Problem(setting, "keys and endpoints come from the server's settings, never from a crew (they would be stored with every run): "
                    + "define a model endpoint (DurableCrews__Models__NAME__Provider, __Endpoint, __ApiKey) and name it as the embedder's provider");
            }
        }

        string? provider = embedder.String("provider", required: true);
        if (provider is not null && !EmbedderDefinition.IsKnownProvider(provider))
        {
            embedder.Problem("provider", $"'{provider}' is not an embedder provider here; use one of {string.Join(", ", ModelProviders.All)} or a model endpoint's name");
        }

        return new EmbedderDefinition
        {
            Provider = provider ?? ModelProviders.Offline,
            Model = config?.String("model") ?? config?.String("deployment_id"),
            Dimensions = config?.Int("dimensions", 1, 65536),
            ChunkSize = config?.Int("chunk_size", 1),
        };
    }

    static string? Llm(YamlFields fields, string key)
    {
        string? llm = fields.String(key);
        if (llm is not null && !ModelReference.TryParse(llm, out _, out string? error))
        {
            fields.Problem(key, error!);
        }

        return llm;
    }

    static string? Url(YamlFields fields, string key)
    {
        string? url = fields.String(key);
        if (url is not null && !WebhookTargets.TryParseUrl(url, out _))
        {
            fields.Problem(key, $"must be an http(s) URL that receives a POST, not '{url}'");
        }

        return url;
    }
}
