using System.Text;
using DurableCrews.Api;

namespace DurableCrews.Tests.Security;

/// <summary>A poison queue entry always fits in a queue message, whatever the message and its reasons hold.</summary>
public sealed class PoisonEntryTests
{
    [Theory]
    [InlineData(100, 100, false)]
    [InlineData(200_000, 100, true)]
    [InlineData(100, 500_000, false)]
    public void An_entry_fits_in_a_queue_message(int messageLength, int reasonLength, bool messageCut)
    {
        string message = new('m', messageLength);
        string reason = new('r', reasonLength);

        var entry = PoisonEntry.Create(message, reason, "blob.txt");

        Assert.True(Encoding.UTF8.GetByteCount(entry.ToJson()) <= PoisonEntry.MaxEntryBytes);
        Assert.Equal(messageCut, entry.MessageTruncated);
        Assert.Equal(messageCut ? "blob.txt" : null, entry.MessageBlob);
        Assert.StartsWith(reason[..Math.Min(reasonLength, 1000)], entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_that_escape_six_times_longer_still_fit()
    {
        string controls = new('\u0001', 60_000);

        var entry = PoisonEntry.Create(controls, controls, "blob.txt");

        Assert.True(Encoding.UTF8.GetByteCount(entry.ToJson()) <= PoisonEntry.MaxEntryBytes);
        Assert.True(entry.MessageTruncated);
    }

    [Fact]
    public void A_cut_message_never_splits_a_character()
    {
        string emoji = string.Concat(Enumerable.Repeat("😀", 20_000));

        var entry = PoisonEntry.Create(emoji, "bad", "blob.txt");

        Assert.True(entry.MessageTruncated);
        Assert.False(char.IsHighSurrogate(entry.Message[^1]));
    }
}
