using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>An embedding generator with what it is (<c>offline-lexical</c>, <c>azure-openai/text-embedding-3-small</c>) and the crew's chunk size.</summary>
public sealed record ResolvedEmbedder(IEmbeddingGenerator<string, Embedding<float>> Generator, string Description, int ChunkSize);
