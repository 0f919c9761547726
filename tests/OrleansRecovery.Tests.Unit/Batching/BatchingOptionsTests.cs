using Microsoft.Extensions.Configuration;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Tests.Unit.Batching;

/// <summary>The batching layout's settings: off by default, bound from configuration, each bad value named.</summary>
public sealed class BatchingOptionsTests
{
    [Fact]
    public void Batching_IsOffByDefault_AndItsDefaultsAreValid()
    {
        var azure = new TransactionAzureStorageOptions();

        Assert.False(azure.Batching.Enabled);
        azure.Batching.Enabled = true;
        Assert.True(new TransactionAzureStorageOptionsValidator().Validate(null, azure).Succeeded);
    }

    [Fact]
    public void Batching_IsBoundFromItsConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRecovery:Azure:Batching:Enabled"] = "true",
            ["OrleansRecovery:Azure:Batching:BucketCount"] = "128",
            ["OrleansRecovery:Azure:Batching:MaxBatchDelay"] = "00:00:00.002",
        }).Build();
        var azure = new TransactionAzureStorageOptions();

        configuration.GetSection(TransactionAzureStorageOptions.SectionName).Bind(azure);

        Assert.True(azure.Batching.Enabled);
        Assert.Equal(128, azure.Batching.BucketCount);
        Assert.Equal(TimeSpan.FromMilliseconds(2), azure.Batching.MaxBatchDelay);
    }

    [Fact]
    public void EveryBadSetting_IsNamedWithItsValue()
    {
        var azure = new TransactionAzureStorageOptions
        {
            Batching = new TransactionTableBatchingOptions
            {
                Enabled = true,
                TableName = "1bad",
                BucketCount = 0,
                MaxBatchOperations = 101,
                MaxBatchBytes = 5_000_000,
                MaxBatchDelay = TimeSpan.FromSeconds(1),
            },
        };

        var failures = new TransactionAzureStorageOptionsValidator().Validate(null, azure).Failures!.ToList();

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("OrleansRecovery:Azure:Batching:TableName is '1bad'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OrleansRecovery:Azure:Batching:BucketCount is 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OrleansRecovery:Azure:Batching:MaxBatchOperations is 101", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OrleansRecovery:Azure:Batching:MaxBatchBytes is 5000000", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OrleansRecovery:Azure:Batching:MaxBatchDelay is 00:00:01", StringComparison.Ordinal));
    }

    [Fact]
    public void BadBatchingSettings_AreIgnoredWhileBatchingIsOff()
    {
        var azure = new TransactionAzureStorageOptions { Batching = new TransactionTableBatchingOptions { BucketCount = 0 } };

        Assert.True(new TransactionAzureStorageOptionsValidator().Validate(null, azure).Succeeded);
    }
}
