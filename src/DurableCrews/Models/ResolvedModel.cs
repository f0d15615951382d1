using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>A chat client and what it is (<c>offline</c>, <c>azure-openai/gpt-4o</c>), for outputs and transcripts.</summary>
/// <param name="Client">The chat client.</param>
/// <param name="Description">What it is.</param>
/// <param name="TakesJsonSchema">Whether its API takes a JSON schema as the response format (OpenAI's chat completions and those that speak it).</param>
public sealed record ResolvedModel(IChatClient Client, string Description, bool TakesJsonSchema = false);
