namespace DurableCrews.Agents;

/// <summary>
/// The headings of an agent's task prompt, as CrewAI words them. The prompt builder writes them; the
/// offline model reads them back to shape its answer.
/// </summary>
public static class PromptSections
{
    /// <summary>Starts the task description.</summary>
    public const string Task = "Current Task: ";

    /// <summary>Starts the expected output.</summary>
    public const string ExpectedOutput = "This is the expected criteria for your final answer: ";

    /// <summary>Follows the expected output.</summary>
    public const string CompleteAnswer = "you MUST return the actual complete content as the final answer, not a summary.";

    /// <summary>Starts the JSON schema the answer must match.</summary>
    public const string JsonSchema = "Your final answer MUST be a JSON object that matches this JSON schema, and nothing else:";

    /// <summary>Starts the context from earlier tasks.</summary>
    public const string Context = "This is the context you're working with:";

    /// <summary>Starts one earlier task's output inside the context: <c>### task_name (Agent Role)</c>.</summary>
    public const string ContextEntry = "### ";

    /// <summary>Starts the knowledge found for the task.</summary>
    public const string Knowledge = "Relevant knowledge from the crew's sources (most relevant first):";

    /// <summary>Starts the memories recalled for the task.</summary>
    public const string Memory = "Relevant memories from this crew's earlier work (most relevant first):";

    /// <summary>Ends the prompt.</summary>
    public const string Begin = "Begin! This is VERY important to you, use the tools available and give your best Final Answer, your job depends on it!";

    /// <summary>Starts the agent's role in the system message.</summary>
    public const string Role = "You are ";

    /// <summary>Starts the agent's goal in the system message.</summary>
    public const string Goal = "Your personal goal is: ";
}
