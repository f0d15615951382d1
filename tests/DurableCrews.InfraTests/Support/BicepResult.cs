namespace DurableCrews.InfraTests.Support;

/// <summary>What one run of the Bicep CLI printed, and how it exited.</summary>
sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything printed, for assertion messages.</summary>
    public string Output => $"{StandardOutput}{StandardError}";
}
