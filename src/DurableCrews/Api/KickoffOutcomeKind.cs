namespace DurableCrews.Api;

/// <summary>What became of a kickoff message.</summary>
public enum KickoffOutcomeKind
{
    /// <summary>A run started.</summary>
    Started,

    /// <summary>The message's run id exists: a redelivered message; nothing new started.</summary>
    Duplicate,

    /// <summary>The message can never succeed (bad JSON, unknown crew, invalid inputs); it goes to the poison queue.</summary>
    Poison,
}
