namespace DurableCrews.Models;

/// <summary>A model cannot be reached because a setting is missing or wrong; the message names the setting, never its secret value.</summary>
public sealed class ModelConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message that names the setting to fix.</summary>
    public ModelConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
