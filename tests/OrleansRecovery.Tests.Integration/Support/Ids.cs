using System.Globalization;
using System.Runtime.CompilerServices;

namespace OrleansRecovery.Tests.Integration.Support;

/// <summary>Unique ids per test run (readable: a transaction id carries the test's name).</summary>
public static class Ids
{
    private static int _counter;

    /// <summary>A transaction id no other test uses.</summary>
    public static string Transaction([CallerMemberName] string test = "")
    {
        var n = Interlocked.Increment(ref _counter);
        var name = test.Length > 48 ? test[..48] : test;
        return string.Create(CultureInfo.InvariantCulture, $"{name}-{n}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>A message id, unique within a transaction; sorts in admission order.</summary>
    public static string Message(int n) => string.Create(CultureInfo.InvariantCulture, $"m{n:D5}");
}
