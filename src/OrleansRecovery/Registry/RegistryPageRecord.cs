namespace OrleansRecovery.Registry;

/// <summary>
/// One stored page of a registry shard (state name <see cref="RegistryStateNames.Page"/>): a few slots, each an entry or
/// empty. Small by construction (slots per page, reasons shortened), so a change costs one write of about a kilobyte whatever
/// the shard holds. Field ids are stable.
/// </summary>
[GenerateSerializer]
[Alias("OrleansRecovery.Registry.RegistryPageRecord")]
internal sealed class RegistryPageRecord
{
    /// <summary>The slots; an empty slot is null. Trailing empty slots are not stored.</summary>
    [Id(0)] public RegistryEntry?[] Slots { get; set; } = [];
}
