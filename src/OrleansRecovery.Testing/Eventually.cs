using System.Diagnostics;

namespace OrleansRecovery.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
public static class Eventually
{
    /// <summary>The pause between two checks.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Checks <paramref name="condition"/> until it returns true. An exception thrown by the condition counts as "not yet" (the
    /// cluster may be failing over); the last one is attached to the timeout.
    /// </summary>
    /// <param name="condition">The condition to wait for.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="what">What is awaited, in words, for the failure message.</param>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        var checks = 0;
        while (true)
        {
            checks++;
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }

                last = null;
            }
#pragma warning disable CA1031 // Any failure of the condition means "not yet"; it is reported if the deadline passes.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                last = ex;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException(
                    $"Timed out after {clock.Elapsed.TotalSeconds:F1} s ({checks} checks) waiting until {what}." +
                    (last is null ? string.Empty : $" Last check threw {last.GetType().Name}: {last.Message}"), last);
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Calls <paramref name="read"/> until <paramref name="done"/> holds for its value, and returns that value.
    /// </summary>
    /// <exception cref="TimeoutException">No value satisfied <paramref name="done"/> within <paramref name="timeout"/>.</exception>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        T value = default!;
        var seen = false;
        await WaitUntilAsync(async () =>
        {
            value = await read().ConfigureAwait(false);
            seen = true;
            return done(value);
        }, timeout, what).ConfigureAwait(false);
        return seen ? value : throw new InvalidOperationException("Unreachable: the condition held without a value.");
    }
}
