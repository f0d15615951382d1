namespace DurableCrews.Agents;

/// <summary>One knowledge source as stored: whose it is (the crew, or an agent's role), its name, and its chunks.</summary>
/// <param name="Holder">"crew", or the role of the agent whose source it is.</param>
/// <param name="Source">The source's name (a file path, or its given name).</param>
/// <param name="Kind">string, text, markdown, csv or json; "unknown" for stored chunks no source of the definition makes.</param>
/// <param name="Chunks">How many chunks the source has now.</param>
/// <param name="Embedded">Whether its current chunks are stored (false: they are embedded on the next search).</param>
public sealed record KnowledgeSourceState(string Holder, string Source, string Kind, int Chunks, bool Embedded);
