using System.Reflection;

namespace OrleansRecovery.Tests.Chaos.Support;

/// <summary>
/// Where the programs these tests start as processes were built: src/{project}/bin/{this test's configuration}/net10.0 under the
/// repository root found above this assembly (the test project references those projects, so they are built first).
/// </summary>
internal static class BuildOutputs
{
    /// <summary>The silo: ORLEANSRECOVERY_SILO_DLL, else its build output.</summary>
    public static string SiloDll() =>
        Environment.GetEnvironmentVariable("ORLEANSRECOVERY_SILO_DLL") is { Length: > 0 } explicitPath
            ? File.Exists(explicitPath) ? Path.GetFullPath(explicitPath)
                : throw new FileNotFoundException($"ORLEANSRECOVERY_SILO_DLL is '{explicitPath}', but no file is there.", explicitPath)
            : Find("OrleansRecovery.Silo", "OrleansRecovery.Silo.dll");

    /// <summary>recoveryctl's build output.</summary>
    public static string RecoveryCtlDll() => Find("OrleansRecovery.Cli", "recoveryctl.dll");

    /// <summary>The repository root (the directory holding OrleansRecovery.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRecovery.sln")))
            {
                return dir.FullName;
            }
        }

        throw new FileNotFoundException($"No OrleansRecovery.sln above '{AppContext.BaseDirectory}'; set ORLEANSRECOVERY_SILO_DLL.");
    }

    private static string Find(string project, string file)
    {
        var configuration = typeof(BuildOutputs).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepositoryRoot(), "src", project, "bin", configuration, "net10.0", file);
        return File.Exists(dll) ? dll
            : throw new FileNotFoundException($"{project} is not built at '{dll}': run `dotnet build -c {configuration}`.", dll);
    }
}
