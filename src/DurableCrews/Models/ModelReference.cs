using System.Text.RegularExpressions;

namespace DurableCrews.Models;

/// <summary>
/// An agent's <c>llm:</c> value read as CrewAI and LiteLLM users write it: <c>source/model</c>, where the source is a
/// provider (<c>openai</c>, <c>azure</c>, <c>anthropic</c>, <c>ollama</c>, <c>gemini</c>, <c>openai-compatible</c>) or
/// the name of an endpoint defined in the settings (<c>DurableCrews__Models__{name}__…</c>); <c>offline</c> alone; or a
/// bare model name for the configured default. Which source it is, and whether it is configured, is decided against the
/// settings (<see cref="ModelCatalog"/>); this type only checks the text.
/// </summary>
/// <param name="Source">The provider or named endpoint as written (lower case), or null for the configured default.</param>
/// <param name="Name">The model or deployment name, or null for the source's configured one.</param>
public sealed partial record ModelReference(string? Source, string? Name)
{
    /// <summary>The longest model name accepted.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The configured default model.</summary>
    public static ModelReference Default { get; } = new(null, null);

    /// <summary>Reads an <c>llm:</c> value; returns false with a message when it cannot name a model.</summary>
    public static bool TryParse(string? llm, out ModelReference reference, out string? error)
    {
        error = null;
        reference = Default;
        if (string.IsNullOrWhiteSpace(llm))
        {
            return true;
        }

        string text = llm.Trim();
        if (ModelProviders.Find(text) == ModelProviders.Offline)
        {
            reference = new ModelReference(ModelProviders.Offline, null);
            return true;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string? source = slash < 0 ? null : text[..slash].Trim().ToLowerInvariant();
        string name = slash < 0 ? text : text[(slash + 1)..].Trim();
        if (source is not null && !SourcePattern().IsMatch(source))
        {
            error = $"'{Shown(source)}' before the '/' must be a provider ({string.Join(", ", ModelProviders.All)}) or the name of a model endpoint in the settings: 1-64 letters, digits, '-', '_' or '.'";
            return false;
        }

        if (name.Length == 0)
        {
            error = $"'{Shown(text)}' names no model after the '/'";
            return false;
        }

        if (name.Length > MaxNameLength || !NamePattern().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
        {
            error = $"the model name '{Shown(name)}' is not one a provider accepts: at most {MaxNameLength} letters, digits and . _ - : / @ +, without '..'";
            return false;
        }

        reference = new ModelReference(source, name);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => (Source, Name) switch
    {
        (null, null) => "default",
        (null, { } name) => name,
        ({ } source, null) => source,
        ({ } source, { } name) => $"{source}/{name}",
    };

    static string Shown(string text) => text.Length > 80 ? text[..80] + "…" : ControlCharacters().Replace(text, "?");

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SourcePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\p{C}", RegexOptions.CultureInvariant)]
    private static partial Regex ControlCharacters();
}
