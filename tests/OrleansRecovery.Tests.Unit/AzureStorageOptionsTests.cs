using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRecovery.Hosting;

namespace OrleansRecovery.Tests.Unit;

public sealed class AzureStorageOptionsTests
{
    public static TheoryData<string, Action<TransactionAzureStorageOptions>> BadValues => new()
    {
        { "StorageProviderName", o => o.StorageProviderName = " " },
        { "StreamProviderName", o => o.StreamProviderName = "" },
        { "TableName", o => o.TableName = "x" },
        { "TableName", o => o.TableName = "1table" },
        { "TableName", o => o.TableName = "table-name" },
        { "QueueCount", o => o.QueueCount = 0 },
        { "QueueCount", o => o.QueueCount = 65 },
        { "QueuePrefix", o => o.QueuePrefix = "Bad_Prefix" },
        { "QueuePrefix", o => o.QueuePrefix = "a--b" },
        { "QueuePrefix", o => o.QueuePrefix = new string('q', 62) },
        { "QueuePollPeriod", o => o.QueuePollPeriod = TimeSpan.FromMilliseconds(5) },
        { "QueuePollPeriod", o => o.QueuePollPeriod = TimeSpan.FromMinutes(2) },
        { "QueueCacheSize", o => o.QueueCacheSize = 15 },
        { "QueueCacheSize", o => o.QueueCacheSize = 100_001 },
        { "BatchContainerBatchSize", o => o.BatchContainerBatchSize = 0 },
        { "BatchContainerBatchSize", o => o.BatchContainerBatchSize = 33 },
        { "MessageVisibilityTimeout", o => o.MessageVisibilityTimeout = TimeSpan.FromMilliseconds(500) },
        { "MessageVisibilityTimeout", o => o.MessageVisibilityTimeout = TimeSpan.FromDays(8) },
    };

    [Fact]
    public void Defaults_AreValid()
    {
        var result = new TransactionAzureStorageOptionsValidator().Validate(null, new TransactionAzureStorageOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Validate_BadValue_GivesOneFailureNamingTheSetting(string setting, Action<TransactionAzureStorageOptions> change)
    {
        var options = new TransactionAzureStorageOptions();
        change(options);

        var result = new TransactionAzureStorageOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"{TransactionAzureStorageOptions.SectionName}:{setting} ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadValues_NamesEachOne()
    {
        var options = new TransactionAzureStorageOptions { QueueCount = 0, TableName = "x", QueueCacheSize = 1 };

        var result = new TransactionAzureStorageOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void UseTransactionRecoveryAzureStorage_BadValue_FailsNamingTheSetting(string setting, Action<TransactionAzureStorageOptions> change)
    {
        // As a TestCluster silo configurator would call it: the mistake surfaces where the options are given, not as an
        // unnamed provider or queue error when the silo starts.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var ex = Assert.Throws<OptionsValidationException>(() =>
            builder.UseOrleans(silo => silo.UseTransactionRecoveryAzureStorage("UseDevelopmentStorage=true", change)));

        Assert.Equal(typeof(TransactionAzureStorageOptions), ex.OptionsType);
        Assert.Contains($"{TransactionAzureStorageOptions.SectionName}:{setting}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseTransactionRecoveryAzureStorage_ValidValues_Succeeds()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        builder.UseOrleans(silo => silo.UseTransactionRecoveryAzureStorage("UseDevelopmentStorage=true", o => o.QueueCount = 2));
    }
}
