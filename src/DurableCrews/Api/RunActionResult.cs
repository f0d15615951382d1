namespace DurableCrews.Api;

/// <summary>What came of an action on a run (terminate, delete).</summary>
public enum RunActionResult
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>There is no such run.</summary>
    NotFound,

    /// <summary>The run's state forbids it: terminating a run that has ended, deleting one that still runs.</summary>
    Conflict,
}
