namespace DurableCrews.Runs;

/// <summary>One message of a transcript.</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Text">The message text.</param>
public sealed record TranscriptMessage(string Role, string Text);
