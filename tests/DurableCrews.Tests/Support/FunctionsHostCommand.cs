namespace DurableCrews.Tests.Support;

/// <summary>How to start the Functions host: the shared host's <c>start-host.sh</c>, or Core Tools' <c>func</c>.</summary>
/// <param name="Path">The script or the binary.</param>
/// <param name="IsCoreTools">True for <c>func</c> (<c>func start --port N</c> in the app's folder).</param>
public sealed record FunctionsHostCommand(string Path, bool IsCoreTools);
