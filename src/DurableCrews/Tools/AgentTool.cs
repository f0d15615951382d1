using System.Text.Json;
using DurableCrews.Definitions;

namespace DurableCrews.Tools;

/// <summary>One tool as an agent's model sees it, and what answers a call to it.</summary>
/// <param name="Name">The name the model calls.</param>
/// <param name="Description">What it does.</param>
/// <param name="Schema">The JSON schema of its arguments.</param>
/// <param name="Definition">The crew's tool (or built-in tool) that provides it.</param>
/// <param name="RemoteName">For an MCP tool, its name on the server.</param>
public sealed record AgentTool(string Name, string Description, JsonElement Schema, ToolDefinition Definition, string? RemoteName = null);
