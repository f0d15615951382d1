using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary>What storing an uploaded crew came to: its validation, and whether a bundled crew of that name kept it from being stored.</summary>
/// <param name="Validation">The crew's validation; stored only when it succeeded.</param>
/// <param name="BundledConflict">Whether a bundled (read-only) crew has this name, so nothing was stored.</param>
public sealed record CrewSaveResult(CrewLoadResult Validation, bool BundledConflict = false)
{
    /// <summary>Whether the crew was stored.</summary>
    public bool Stored => Validation.Succeeded && !BundledConflict;
}
