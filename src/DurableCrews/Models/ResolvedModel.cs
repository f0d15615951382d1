using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>A chat client and what it is (<c>offline</c>, <c>azure-openai/gpt-4o</c>), for outputs and transcripts.</summary>
public sealed record ResolvedModel(IChatClient Client, string Description);
