using DurableCrews.Models;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Support;

/// <summary>Resolves every model reference to one test chat client.</summary>
public sealed class ScriptedModels(IChatClient client) : IChatClientProvider
{
    public ResolvedModel Resolve(ModelReference reference) => new(client, "scripted");
}
