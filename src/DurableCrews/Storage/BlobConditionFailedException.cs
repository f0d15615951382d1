namespace DurableCrews.Storage;

/// <summary>A conditional write lost a race: the blob was created or changed by another writer.</summary>
public sealed class BlobConditionFailedException : Exception
{
    /// <summary>Creates the exception for one blob.</summary>
    public BlobConditionFailedException(string container, string name, Exception? inner = null)
        : base($"The blob '{container}/{name}' was created or changed by another writer.", inner)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BlobConditionFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BlobConditionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BlobConditionFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
