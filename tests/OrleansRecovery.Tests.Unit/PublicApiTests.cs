using System.Reflection;
using PublicApiGenerator;

namespace OrleansRecovery.Tests.Unit;

/// <summary>
/// The public surface of every library package, tracked: each is generated from the built assembly and compared with its checked-in
/// text (tests/OrleansRecovery.Tests.Unit/PublicApi/{assembly}.approved.txt), so a change to what users compile against is a
/// deliberate, reviewed change of that file. A difference fails the test and writes {assembly}.received.txt next to it; accept it
/// with ORLEANSRECOVERY_ACCEPT_API=1 (the test then rewrites the approved file) and review the diff.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages() => new()
    {
        "OrleansRecovery.Abstractions",
        "OrleansRecovery",
        "OrleansRecovery.AzureStorage",
        "OrleansRecovery.Client",
        "OrleansRecovery.Testing",
        "OrleansRecovery.Admin",
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicApi_IsTheApprovedOne(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,

            // Orleans' generated codecs and proxies follow the types they serve; tracking them would only repeat those types.
            DenyNamespacePrefixes = ["OrleansCodeGen"],
        }).ReplaceLineEndings("\n");
        var directory = Path.Combine(RepositoryRoot(), "tests", "OrleansRecovery.Tests.Unit", "PublicApi");
        var approvedPath = Path.Combine(directory, assemblyName + ".approved.txt");
        var receivedPath = Path.Combine(directory, assemblyName + ".received.txt");

        if (Environment.GetEnvironmentVariable("ORLEANSRECOVERY_ACCEPT_API") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(approvedPath, api);
            File.Delete(receivedPath);
            return;
        }

        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved == api)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, api);
        Assert.Fail($"The public API of {assemblyName} changed. Compare {receivedPath} with {approvedPath}; if the change is " +
            "deliberate, run the test with ORLEANSRECOVERY_ACCEPT_API=1 and commit the approved file.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRecovery.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No OrleansRecovery.sln above " + AppContext.BaseDirectory);
    }
}
