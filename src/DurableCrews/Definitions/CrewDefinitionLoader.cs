using DurableCrews.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DurableCrews.Definitions;

/// <summary>
/// Loads crews written for CrewAI: a folder with <c>agents.yaml</c> and <c>tasks.yaml</c> (plus an optional
/// <c>crew.yaml</c> with crew settings and per-agent or per-task additions such as task-to-agent assignments),
/// or one YAML or JSON document holding the crew settings with <c>agents</c> and <c>tasks</c> inside.
/// Every problem is collected with its path; nothing is thrown for bad input.
/// </summary>
public static partial class CrewDefinitionLoader
{
    /// <summary>The optional crew settings file of a folder-form crew.</summary>
    public const string CrewFileName = "crew.yaml";

    static readonly HashSet<string> CrewFields =
    [
        "name", "process", "agents", "tasks", "manager_agent", "manager_llm", "llm", "memory", "embedder", "cache",
        "max_rpm", "max_execution_time", "planning", "planning_llm", "step_callback", "task_callback", "verbose",
    ];

    static readonly HashSet<string> IgnoredCrewFields =
    [
        "full_output", "share_crew", "output_log_file", "function_calling_llm", "language", "language_file",
        "prompt_file", "chat_llm", "before_kickoff_callbacks", "after_kickoff_callbacks", "stream", "tracing",
    ];

    static readonly HashSet<string> AgentFields =
    [
        "role", "goal", "backstory", "llm", "tools", "allow_delegation", "max_iter", "max_rpm", "max_execution_time",
        "max_retry_limit", "memory", "verbose",
    ];

    static readonly HashSet<string> IgnoredAgentFields =
    [
        "function_calling_llm", "system_template", "prompt_template", "response_template", "cache",
        "allow_code_execution", "code_execution_mode", "respect_context_window", "use_system_prompt", "step_callback",
        "max_tokens", "inject_date", "date_format", "reasoning", "max_reasoning_attempts", "multimodal",
        "knowledge_sources", "embedder", "callbacks", "config",
    ];

    static readonly HashSet<string> TaskFields =
    [
        "description", "expected_output", "agent", "context", "output_json", "output_file", "async_execution",
        "human_input", "guardrail", "guardrail_max_retries",
    ];

    static readonly HashSet<string> IgnoredTaskFields =
    [
        "output_pydantic", "tools", "callback", "create_directory", "markdown", "config", "name", "converter_cls",
        "max_retries",
    ];

    static readonly HashSet<string> NoFields = [];

    static readonly HashSet<string> EmbedderFields = ["provider", "config"];

    static readonly HashSet<string> EmbedderConfigFields = ["model", "dimensions", "chunk_size", "api_key", "url", "deployment_id", "api_base"];

    /// <summary>Loads a crew from a folder (CrewAI layout) or from one YAML or JSON file.</summary>
    public static CrewLoadResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return LoadFolder(full);
        }

        if (File.Exists(full))
        {
            return ParseFile(full, Path.GetFileNameWithoutExtension(full));
        }

        return Failed(new DefinitionProblem("crew", $"no crew folder or file at '{path}'"));
    }

    /// <summary>Parses one YAML or JSON document holding a whole crew.</summary>
    /// <param name="text">The document.</param>
    /// <param name="defaultName">The crew's name when the document has no <c>name</c>.</param>
    /// <param name="source">The document's name in problem locations.</param>
    public static CrewLoadResult Parse(string text, string defaultName, string source = "crew.yaml")
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<DefinitionProblem>();
        var warnings = new List<DefinitionProblem>();
        var crew = new YamlFields("crew", problems, warnings);
        if (ReadMapping(text, source, problems) is { } root)
        {
            crew.Add(root, source);
        }

        if (problems.Count > 0)
        {
            return new CrewLoadResult { Problems = problems };
        }

        var agents = Entries(crew.Mapping("agents"), "agents", problems, required: true);
        var tasks = Entries(crew.Mapping("tasks"), "tasks", problems, required: true);
        return Build(crew, agents, tasks, defaultName, problems, warnings);
    }

    static CrewLoadResult ParseFile(string file, string defaultName)
    {
        var problems = new List<DefinitionProblem>();
        return DefinitionFile.Read(file, Path.GetFileName(file), problems) is { } text
            ? Parse(text, defaultName, Path.GetFileName(file))
            : new CrewLoadResult { Problems = problems };
    }

    static CrewLoadResult LoadFolder(string folder)
    {
        var problems = new List<DefinitionProblem>();
        var warnings = new List<DefinitionProblem>();
        string agentsFile = Path.Combine(folder, "agents.yaml");
        string tasksFile = Path.Combine(folder, "tasks.yaml");
        string crewFile = Path.Combine(folder, CrewFileName);
        string name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));

        if (!File.Exists(agentsFile) && !File.Exists(tasksFile))
        {
            string? single = new[] { CrewFileName, "crew.yml", "crew.json" }.Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists);
            return single is null
                ? Failed(new DefinitionProblem("crew", $"'{folder}' has neither agents.yaml and tasks.yaml nor a crew.yaml holding agents and tasks"))
                : ParseFile(single, name);
        }

        var crew = new YamlFields("crew", problems, warnings);
        var agents = new List<YamlFields>();
        var tasks = new List<YamlFields>();
        ReadEntriesFile(agentsFile, "agents", agents, problems, warnings);
        ReadEntriesFile(tasksFile, "tasks", tasks, problems, warnings);

        if (File.Exists(crewFile) && DefinitionFile.Read(crewFile, CrewFileName, problems) is { } crewText && ReadMapping(crewText, CrewFileName, problems) is { } crewRoot)
        {
            crew.Add(crewRoot, CrewFileName);
            Overlay(crew.Mapping("agents"), agents, "agents", problems);
            Overlay(crew.Mapping("tasks"), tasks, "tasks", problems);
        }

        return Build(crew, agents, tasks, name, problems, warnings);
    }

    static void ReadEntriesFile(string file, string section, List<YamlFields> into, List<DefinitionProblem> problems, List<DefinitionProblem> warnings)
    {
        string source = Path.GetFileName(file);
        if (!File.Exists(file))
        {
            problems.Add(new DefinitionProblem(section, $"{source} is missing beside the other definition files"));
            return;
        }

        if (DefinitionFile.Read(file, source, problems) is not { } text || ReadMapping(text, source, problems) is not { } root)
        {
            return;
        }

        var holder = new YamlFields(section, problems, warnings);
        holder.Add(root, source);
        into.AddRange(Entries(holder, section, problems, required: true));
    }

    static List<YamlFields> Entries(YamlFields? holder, string section, List<DefinitionProblem> problems, bool required)
    {
        var entries = new List<YamlFields>();
        if (holder is null)
        {
            if (required)
            {
                problems.Add(new DefinitionProblem(section, "required: a mapping of names to definitions"));
            }

            return entries;
        }

        foreach (string key in holder.Keys)
        {
            if (holder.Mapping(key) is { } entry)
            {
                entries.Add(entry);
            }
        }

        if (entries.Count == 0 && required)
        {
            problems.Add(new DefinitionProblem(section, "defines nothing"));
        }

        return entries;
    }

    static void Overlay(YamlFields? overlay, List<YamlFields> entries, string section, List<DefinitionProblem> problems)
    {
        if (overlay is null)
        {
            return;
        }

        foreach (string key in overlay.Keys)
        {
            var target = entries.FirstOrDefault(e => e.Key == key);
            var additions = overlay.Mapping(key);
            if (target is null)
            {
                problems.Add(new DefinitionProblem($"{section}.{key}", $"crew.yaml adds to '{key}', which {section}.yaml does not define", overlay.LocationOf(key)));
            }
            else if (additions is not null)
            {
                target.Merge(additions);
            }
        }
    }

    static CrewLoadResult Build(YamlFields crew, List<YamlFields> agentFields, List<YamlFields> taskFields, string defaultName, List<DefinitionProblem> problems, List<DefinitionProblem> warnings)
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

        var agents = agentFields.Select(ReadAgent).ToList();
        var tasks = taskFields.Select(t => ReadTask(t, process, agents)).ToList();
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
            StepCallback = Url(crew, "step_callback"),
            TaskCallback = Url(crew, "task_callback"),
            Verbose = crew.Bool("verbose") ?? false,
        };

        CheckReferences(definition, crew, taskFields, problems);
        return problems.Count > 0
            ? new CrewLoadResult { Problems = problems, Warnings = warnings }
            : new CrewLoadResult { Definition = definition, Warnings = warnings };
    }

    static AgentDefinition ReadAgent(YamlFields agent)
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
            Tools = agent.StringList("tools") ?? [],
            AllowDelegation = agent.Bool("allow_delegation") ?? false,
            MaxIter = agent.Int("max_iter", 1, 1000) ?? 20,
            MaxRpm = agent.Int("max_rpm", 1),
            MaxExecutionTime = agent.Int("max_execution_time", 1),
            MaxRetryLimit = agent.Int("max_retry_limit", 0, 100) ?? 2,
            Memory = agent.Bool("memory"),
            Verbose = agent.Bool("verbose") ?? false,
        };
    }

    static TaskDefinition ReadTask(YamlFields task, CrewProcess process, IReadOnlyList<AgentDefinition> agents)
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
        string? provider = embedder.String("provider", required: true);
        if (provider is not null && !EmbedderDefinition.IsKnownProvider(provider))
        {
            embedder.Problem("provider", $"'{provider}' is not an embedder provider here; use {string.Join(", ", ModelProviders.All)} or openai (the configured default)");
        }

        return new EmbedderDefinition
        {
            Provider = provider ?? ModelProviders.Offline,
            Model = config?.String("model"),
            Dimensions = config?.Int("dimensions", 1, 65536),
            ChunkSize = config?.Int("chunk_size", 1),
        };
    }

    static void CheckReferences(CrewDefinition crew, YamlFields crewFields, List<YamlFields> taskFields, List<DefinitionProblem> problems)
    {
        var agentNames = crew.Agents.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        string known = string.Join(", ", agentNames.Order());
        for (int i = 0; i < crew.Tasks.Count; i++)
        {
            var task = crew.Tasks[i];
            var fields = taskFields[i];
            if (task.Agent is { } agent && !agentNames.Contains(agent))
            {
                fields.Problem("agent", $"no agent named '{agent}'; agents: {known}");
            }

            if (task.Context is null)
            {
                continue;
            }

            for (int c = 0; c < task.Context.Count; c++)
            {
                string reference = task.Context[c];
                int index = crew.Tasks.ToList().FindIndex(t => t.Name == reference);
                string path = $"{fields.Child("context")}[{c}]";
                if (index < 0)
                {
                    problems.Add(new DefinitionProblem(path, $"no task named '{reference}'", fields.LocationOf("context")));
                }
                else if (index >= i)
                {
                    problems.Add(new DefinitionProblem(path, $"'{reference}' does not run before '{task.Name}', so its output cannot be context here", fields.LocationOf("context")));
                }
            }
        }

        if (crew.ManagerAgent is { } manager)
        {
            if (crew.Process != CrewProcess.Hierarchical)
            {
                crewFields.Problem("manager_agent", "only a hierarchical crew has a manager; set 'process: hierarchical' or remove it");
            }
            else if (!agentNames.Contains(manager))
            {
                crewFields.Problem("manager_agent", $"no agent named '{manager}'; agents: {known}");
            }
            else if (crew.Agents.Count < 2)
            {
                crewFields.Problem("manager_agent", "the manager needs at least one other agent to delegate to");
            }
        }
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
        if (url is not null && !Notifications.WebhookTargets.TryParseUrl(url, out _))
        {
            fields.Problem(key, $"must be an http(s) URL that receives a POST, not '{url}'");
        }

        return url;
    }

    internal static YamlMappingNode? ReadMapping(string text, string source, List<DefinitionProblem> problems) =>
        YamlDocumentReader.ReadMapping(text, source, problems);

    static CrewLoadResult Failed(DefinitionProblem problem) => new() { Problems = [problem] };
}
