namespace DurableCrews.Orchestration;

/// <summary>A task in flight, as progress shows it.</summary>
public sealed record RunningTask(int Index, string Name, string Agent);
