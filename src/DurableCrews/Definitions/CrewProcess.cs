namespace DurableCrews.Definitions;

/// <summary>How a crew runs its tasks.</summary>
public enum CrewProcess
{
    /// <summary>Tasks run in order, each by its assigned agent.</summary>
    Sequential,

    /// <summary>A manager runs every task by delegating to the crew's agents.</summary>
    Hierarchical,
}
