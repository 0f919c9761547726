using Microsoft.Extensions.DependencyInjection;

namespace OrleansRecovery.Testing;

/// <summary>
/// Stops a test silo's grain directory loop when the silo's services are disposed, so that a process hosting many silos one
/// after another (a test run) does not lose a thread-pool thread, spinning, to each silo disposed without a complete stop.
/// </summary>
/// <remarks>
/// Orleans 10.4.2's <c>LocalGrainDirectory.ProcessMembershipUpdates</c> loops while its own token is not cancelled and
/// enumerates the membership updates inside: once the membership service is disposed the enumeration ends at once, and the loop
/// starts it again without a pause. Only the directory's <c>StopAsync</c> cancels that token; a silo disposed after a stop that
/// was cut short (a kill disposes the silo right after a cancelled stop) may never run it. Measured in our integration runs: the
/// loop on top of most stack samples of the test process while its tests waited. The guard calls that stop (by reflection: the
/// type is internal) when the silo's services are disposed; when the directory already stopped, the call fails harmlessly. It
/// is a lifecycle participant only so that the silo creates it, and it finds the directory, before anything starts.
/// </remarks>
internal sealed class GrainDirectoryLoopGuard(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly Type? DirectoryType = Type.GetType("Orleans.Runtime.GrainDirectory.LocalGrainDirectory, Orleans.Runtime");
    private readonly object? _directory = DirectoryType is null ? null : services.GetService(DirectoryType);

    /// <summary>Adds the guard to a silo's services.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, GrainDirectoryLoopGuard>();

    public void Participate(ISiloLifecycle lifecycle)
    {
        // Nothing to do at any stage: the guard acts only when the silo's services are disposed.
    }

    public void Dispose()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            if (DirectoryType!.GetMethod("StopAsync", Type.EmptyTypes)?.Invoke(_directory, null) is Task stop)
            {
                stop.Wait(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception)
        {
            // Already stopped (its cancellation source is disposed): nothing spins.
        }
    }
}
