using System.Text;
using System.Text.Json;
using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>
/// What goes on the poison queue for a kickoff message that can never succeed: the reason and the message, cut so that
/// the entry always fits in a queue message (64 KB) however long either is. A cut message is kept whole in a blob
/// (<see cref="MessageBlob"/>), so nothing accepted is lost.
/// </summary>
public sealed record PoisonEntry
{
    /// <summary>The most characters of the reasons an entry carries.</summary>
    public const int MaxReasonCharacters = 8 * 1024;

    /// <summary>The most UTF-8 bytes of the message an entry carries; the rest is in the blob.</summary>
    public const int MaxMessageBytes = 24 * 1024;

    /// <summary>Why the message can never succeed (every problem with its path), cut to <see cref="MaxReasonCharacters"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>The message as received, or its first <see cref="MaxMessageBytes"/> bytes.</summary>
    public required string Message { get; init; }

    /// <summary>Whether <see cref="Message"/> is cut.</summary>
    public bool MessageTruncated { get; init; }

    /// <summary>Where the whole message is, in the <c>crew-poison</c> container, when it is cut.</summary>
    public string? MessageBlob { get; init; }

    /// <summary>The most bytes an entry's text takes, well inside a queue message's 64 KB.</summary>
    public const int MaxEntryBytes = 60 * 1024;

    /// <summary>The entry for <paramref name="message"/>; <paramref name="blobName"/> names the blob that keeps a message too large to carry.</summary>
    public static PoisonEntry Create(string message, string reason, string blobName)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);

        // Escaping can make text up to six times longer (control characters), so cut until the entry itself fits.
        int reasonBudget = MaxReasonCharacters;
        int messageBudget = MaxMessageBytes;
        while (true)
        {
            string cutReason = reason.Length <= reasonBudget ? reason : $"{reason[..reasonBudget]}… ({reason.Length} characters in all)";
            bool cut = Encoding.UTF8.GetByteCount(message) > messageBudget;
            var entry = new PoisonEntry
            {
                Reason = cutReason,
                Message = cut ? Prefix(message, messageBudget) : message,
                MessageTruncated = cut,
                MessageBlob = cut ? blobName : null,
            };
            if (Encoding.UTF8.GetByteCount(entry.ToJson()) <= MaxEntryBytes)
            {
                return entry;
            }

            reasonBudget /= 2;
            messageBudget /= 2;
        }
    }

    /// <summary>The entry as the queue message's text (escaped JSON, well under 64 KB).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, CrewJson.Options);

    /// <summary>The longest start of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    static string Prefix(string text, int maxBytes)
    {
        int bytes = 0;
        int index = 0;
        while (index < text.Length)
        {
            int width = char.IsSurrogatePair(text, index) ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(text.AsSpan(index, width));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            index += width;
        }

        return text[..index];
    }
}
