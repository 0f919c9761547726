using Orleans.Storage;

namespace OrleansRecovery.Testing;

/// <summary>
/// An <see cref="IGrainStorage"/> that runs a hook before each write (and optionally each clear) and then forwards to the real
/// storage: for injecting delays (slow storage) or failures (a write that throws) into cluster tests. Reads are forwarded as is.
/// </summary>
public sealed class InterceptingGrainStorage : IGrainStorage
{
    private readonly IGrainStorage _inner;
    private readonly Func<string, GrainId, CancellationToken, Task> _beforeWrite;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="beforeWrite"/> gets the state name and grain of every write and clear.</summary>
    public InterceptingGrainStorage(IGrainStorage inner, Func<string, GrainId, CancellationToken, Task> beforeWrite)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(beforeWrite);
        _inner = inner;
        _beforeWrite = beforeWrite;
    }

    /// <summary>
    /// A hook that delays writes of the state names for which <paramref name="delayFor"/> returns a positive delay, e.g.
    /// <c>name =&gt; name == "txn" ? TimeSpan.FromMilliseconds(30) : TimeSpan.Zero</c> to slow header writes down.
    /// </summary>
    public static Func<string, GrainId, CancellationToken, Task> Delay(Func<string, TimeSpan> delayFor)
    {
        ArgumentNullException.ThrowIfNull(delayFor);
        return (stateName, _, cancellationToken) =>
            delayFor(stateName) is { } delay && delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await _beforeWrite(stateName, grainId, cancellationToken).ConfigureAwait(false);
        await _inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await _beforeWrite(stateName, grainId, cancellationToken).ConfigureAwait(false);
        await _inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
    }
}
