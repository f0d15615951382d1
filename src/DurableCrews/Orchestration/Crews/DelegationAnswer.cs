namespace DurableCrews.Orchestration.Crews;

/// <summary>The answer to a delegation, kept so that an identical delegation later in the run reuses it.</summary>
/// <param name="Key">The work that answered.</param>
/// <param name="Answer">Its answer.</param>
public sealed record DelegationAnswer(string Key, string Answer);
