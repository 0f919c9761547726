using Orleans.Storage;

namespace OrleansRecovery.Testing;

/// <summary>
/// An <see cref="IGrainStorage"/> that runs a hook before each write and clear, forwards to the real storage, and optionally runs
/// a hook after each successful write and clear and one before each read: for injecting delays (slow storage) or failures (a
/// write that throws before or after it was stored, a read that throws) into cluster tests.
/// </summary>
public sealed class InterceptingGrainStorage : IGrainStorage
{
    private readonly IGrainStorage _inner;
    private readonly Func<string, GrainId, CancellationToken, Task> _beforeWrite;
    private readonly Func<string, GrainId, CancellationToken, Task>? _afterWrite;
    private readonly Func<string, GrainId, CancellationToken, Task>? _beforeRead;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="beforeWrite"/> gets the state name and grain of every write and clear.</summary>
    public InterceptingGrainStorage(IGrainStorage inner, Func<string, GrainId, CancellationToken, Task> beforeWrite)
        : this(inner, beforeWrite, afterWrite: null, beforeRead: null)
    {
    }

    /// <summary>
    /// Wraps <paramref name="inner"/>. <paramref name="beforeWrite"/> runs before every write and clear; <paramref name="afterWrite"/>
    /// (optional) after every write and clear that the real storage completed, so a failure it throws reaches the caller although
    /// the record was stored; <paramref name="beforeRead"/> (optional) before every read.
    /// </summary>
    public InterceptingGrainStorage(IGrainStorage inner, Func<string, GrainId, CancellationToken, Task> beforeWrite,
        Func<string, GrainId, CancellationToken, Task>? afterWrite, Func<string, GrainId, CancellationToken, Task>? beforeRead)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(beforeWrite);
        _inner = inner;
        _beforeWrite = beforeWrite;
        _afterWrite = afterWrite;
        _beforeRead = beforeRead;
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
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        if (_beforeRead is not null)
        {
            await _beforeRead(stateName, grainId, cancellationToken).ConfigureAwait(false);
        }

        await _inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await _beforeWrite(stateName, grainId, cancellationToken).ConfigureAwait(false);
        await _inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        if (_afterWrite is not null)
        {
            await _afterWrite(stateName, grainId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await _beforeWrite(stateName, grainId, cancellationToken).ConfigureAwait(false);
        await _inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        if (_afterWrite is not null)
        {
            await _afterWrite(stateName, grainId, cancellationToken).ConfigureAwait(false);
        }
    }
}
