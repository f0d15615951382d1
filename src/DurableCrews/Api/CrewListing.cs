namespace DurableCrews.Api;

/// <summary>One crew the API runs by name, and where it comes from.</summary>
/// <param name="Name">The crew's name.</param>
/// <param name="Source"><c>bundled</c> (shipped with the app; read-only) or <c>uploaded</c> (stored with <c>PUT /api/crews/{crew}</c>).</param>
/// <param name="OverridesBundled">Whether an upload of this name is run in place of a bundled crew of the same name.</param>
public sealed record CrewListing(string Name, string Source, bool OverridesBundled = false);
