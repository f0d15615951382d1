using DurableCrews.Cli;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Support;

/// <summary><c>durablecrews</c> driven in-process: a throw-away storage folder, and stdout and stderr captured.</summary>
public sealed class CliHarness : IDisposable
{
    public TempFolder Folder { get; } = new();

    public StringWriter Stdout { get; } = new();

    public StringWriter Stderr { get; } = new();

    /// <summary>Runs the command line with the embedded store in <see cref="Folder"/> and any further settings.</summary>
    public Task<int> RunAsync(IDictionary<string, string?>? settings, params string[] args)
    {
        var values = new Dictionary<string, string?> { ["DurableCrews:Storage:LocalPath"] = Path.Combine(Folder.Path, "storage") };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return CliApp.RunAsync(args, Stdout, Stderr, new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    public void Dispose()
    {
        Folder.Dispose();
        Stdout.Dispose();
        Stderr.Dispose();
    }
}
