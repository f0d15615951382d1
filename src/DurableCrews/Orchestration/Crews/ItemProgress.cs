namespace DurableCrews.Orchestration.Crews;

/// <summary>How far a running <c>for_each</c> task is through its items, as the run's progress shows it.</summary>
/// <param name="Index">The task's position.</param>
/// <param name="Name">The task's name.</param>
/// <param name="Done">Items finished.</param>
/// <param name="Total">Items in its list.</param>
public sealed record ItemProgress(int Index, string Name, int Done, int Total);
