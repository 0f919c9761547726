using Microsoft.Extensions.Configuration;
using OrleansRecovery.Client;

namespace OrleansRecovery.Tests.Unit;

public sealed class ProfileValuesTests
{
    private static IConfiguration Config(string? value, string key = "Section:Count") =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Absent_IsNull_WithoutAProblem(string? raw)
    {
        var failures = new List<string>();

        Assert.Null(ProfileValues.WholeNumber(Config(raw), "Section:Count", 1, 10, failures));
        Assert.Empty(failures);
    }

    [Fact]
    public void InRange_IsRead()
    {
        var failures = new List<string>();

        Assert.Equal(7, ProfileValues.WholeNumber(Config("7"), "Section:Count", 1, 10, failures));
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("11")]
    [InlineData("0")]
    [InlineData("seven")]
    [InlineData("7.5")]
    public void Bad_IsNull_AndTheProblemNamesKeyValueAndRange(string raw)
    {
        var failures = new List<string>();

        Assert.Null(ProfileValues.WholeNumber(Config(raw), "Section:Count", 1, 10, failures));

        var problem = Assert.Single(failures);
        Assert.Equal($"Section:Count is '{raw}'; it must be an integer between 1 and 10.", problem);
    }

    [Fact]
    public void Bad_UsesTheCallersDescription()
    {
        var failures = new List<string>();

        ProfileValues.WholeNumber(Config("0", "Orleans:GatewayPort"), "Orleans:GatewayPort", 1, 65535, failures, "a port number between 1 and 65535");

        Assert.Equal("Orleans:GatewayPort is '0'; it must be a port number between 1 and 65535.", Assert.Single(failures));
    }
}
