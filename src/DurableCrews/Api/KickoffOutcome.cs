namespace DurableCrews.Api;

/// <summary>What became of a kickoff message.</summary>
/// <param name="Kind">Started, Duplicate (its run id exists: a redelivery), or Poison (it can never succeed).</param>
/// <param name="RunId">The run started or found.</param>
/// <param name="Reason">For poison: why, with every problem.</param>
public sealed record KickoffOutcome(KickoffOutcomeKind Kind, string? RunId = null, string? Reason = null);
