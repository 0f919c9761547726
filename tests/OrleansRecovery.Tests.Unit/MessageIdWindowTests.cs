using OrleansRecovery.StateMachine;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// The window shares one append-only log between the windows derived from one another; every window must still behave as an
/// independent immutable value, whichever windows are extended and in what order.
/// </summary>
public sealed class MessageIdWindowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(1_000)]
    public void RandomAddsFromRandomVersions_MatchAPlainListModel(int capacity)
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);

            // Small id ranges make ids come back after they were forgotten; each version is extended again at random.
            var range = (ulong)Math.Max(2, capacity * 2);
            var versions = new List<(MessageIdWindow Window, List<ulong> Model)> { (MessageIdWindow.Empty(capacity), []) };
            for (var step = 0; step < 3_000; step++)
            {
                var from = random.Next(10) < 7 ? versions.Count - 1 : random.Next(versions.Count);
                var (window, model) = versions[from];
                var id = (ulong)random.NextInt64((long)range) * 0x9E3779B97F4A7C15UL;
                var next = window.Add(id);
                var expected = Add(model, id, capacity);

                Assert.Equal(expected, next.ToArray());
                Assert.Equal(expected.Count, next.Count);
                if (model.Contains(id))
                {
                    Assert.Same(window, next);
                }

                versions.Add((next, expected));
                var (probe, probeModel) = versions[random.Next(versions.Count)];
                var probeId = (ulong)random.NextInt64((long)range) * 0x9E3779B97F4A7C15UL;
                Assert.Equal(probeModel.Contains(probeId), probe.Contains(probeId));
            }

            foreach (var (window, model) in versions)
            {
                Assert.Equal(model, window.ToArray());
                Assert.All(model, id => Assert.True(window.Contains(id)));
                Assert.Equal(model, MessageIdWindow.From(capacity, window.ToArray()).ToArray());
            }
        }
    }

    [Fact]
    public void ZeroCapacity_RemembersNothing()
    {
        var window = MessageIdWindow.Empty(0).Add(1).Add(2);

        Assert.Equal(0, window.Count);
        Assert.False(window.Contains(1));
        Assert.Empty(window.ToArray());
    }

    private static List<ulong> Add(List<ulong> model, ulong id, int capacity)
    {
        if (model.Contains(id))
        {
            return model;
        }

        var next = new List<ulong>(model) { id };
        return next.Count > capacity ? next.GetRange(next.Count - capacity, capacity) : next;
    }
}
