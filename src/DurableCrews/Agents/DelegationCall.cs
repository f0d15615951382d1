namespace DurableCrews.Agents;

/// <summary>A delegation the model asked for, read and checked.</summary>
/// <param name="CallId">The model's id of the tool call, which its result must carry.</param>
/// <param name="Kind"><see cref="DelegationTools.DelegateWork"/> or <see cref="DelegationTools.AskQuestion"/>.</param>
/// <param name="Coworker">The coworker's role, as the crew spells it.</param>
/// <param name="Text">The task or the question.</param>
/// <param name="Context">The context given with it.</param>
public sealed record DelegationCall(string CallId, string Kind, string Coworker, string Text, string Context);
