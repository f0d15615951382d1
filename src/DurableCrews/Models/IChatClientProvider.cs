namespace DurableCrews.Models;

/// <summary>Turns an agent's <c>llm:</c> into a chat client, by the configured providers.</summary>
public interface IChatClientProvider
{
    /// <summary>The chat client for a model reference, with the resolved model's description.</summary>
    /// <exception cref="ModelConfigurationException">The provider it resolves to is not configured.</exception>
    ResolvedModel Resolve(ModelReference reference);
}
