using System.Reflection;

namespace DurableCrews.InfraTests.Support;

/// <summary>
/// The app settings DurableCrews reads, found by reflection: every public type of the library with a
/// <c>public const string SectionName</c> binds that configuration section, and each of its public settable
/// (or init) properties is one setting, named as an environment variable: <c>DurableCrews__Model__Provider</c>.
/// </summary>
static class DurableCrewsSettings
{
    /// <summary>The library's options types, by section name.</summary>
    public static IReadOnlyDictionary<string, Type> OptionsTypes { get; } = Assembly.Load(new AssemblyName("DurableCrews"))
        .GetExportedTypes()
        .Select(type => (Type: type, Section: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
        .Where(t => t.Section is { IsLiteral: true } field && field.FieldType == typeof(string))
        .ToDictionary(t => (string)t.Section!.GetRawConstantValue()!, t => t.Type, StringComparer.Ordinal);

    /// <summary>Every setting the app reads.</summary>
    public static IReadOnlySet<string> Names { get; } = OptionsTypes
        .SelectMany(options => options.Value
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => Name(options.Key, p.Name)))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>The environment variable name of a property of the options bound to <paramref name="section"/>.</summary>
    public static string Name(string section, string property) => $"{section.Replace(":", "__", StringComparison.Ordinal)}__{property}";
}
