using System.Text.Json;
using System.Text.Unicode;
using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary>
/// Parses JSON that arrives from outside (HTTP bodies, queue messages): valid UTF-8, nested at most
/// <see cref="MaxDepth"/> deep, one value. Every failure is a problem with its path and position, never an exception.
/// </summary>
public static class JsonBody
{
    /// <summary>The deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>The document, or null with the problem.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> utf8, string path, out DefinitionProblem? problem)
    {
        problem = null;
        if (!Utf8.IsValid(utf8.Span))
        {
            problem = new DefinitionProblem(path, $"is not valid UTF-8 (from byte {FirstInvalidByte(utf8.Span)})");
            return null;
        }

        try
        {
            return JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException ex)
        {
            problem = new DefinitionProblem(path, $"is not valid JSON: {ex.Message}");
            return null;
        }
    }

    /// <summary>The document, or null with the problem.</summary>
    public static JsonDocument? Parse(string text, string path, out DefinitionProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        try
        {
            return JsonDocument.Parse(text, Options);
        }
        catch (JsonException ex)
        {
            problem = new DefinitionProblem(path, $"is not valid JSON: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> over parsed JSON; text whose escapes make no valid character (a lone surrogate, in a
    /// name or a value) is reported as a problem at <paramref name="path"/> instead of thrown.
    /// </summary>
    public static T? Read<T>(Func<T> read, string path, List<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(problems);
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            problems.Add(new DefinitionProblem(path, "holds text that is not valid: an escape names half of a character"));
            return default;
        }
    }

    static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        int offset = 0;
        while (offset < utf8.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(utf8[offset..], out _, out int consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }
}
