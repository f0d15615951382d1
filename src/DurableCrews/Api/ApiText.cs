namespace DurableCrews.Api;

/// <summary>An answer body that is text of its own media type (a report's HTML or Markdown), written as it is.</summary>
/// <param name="Text">The text.</param>
/// <param name="ContentType">Its media type, with the charset.</param>
public sealed record ApiText(string Text, string ContentType);
