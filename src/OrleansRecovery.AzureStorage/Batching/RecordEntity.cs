using System.Globalization;
using Azure.Data.Tables;

namespace OrleansRecovery.Batching;

/// <summary>
/// A record's serialized bytes as a table entity: Azure caps a binary property at 64 KiB and an entity at 1 MiB, so the bytes are
/// split over up to <see cref="MaxProperties"/> properties <c>D0</c>, <c>D1</c>… (the cap Orleans' own table storage has:
/// 983,040 bytes). A larger record is refused before anything is sent.
/// </summary>
internal static class RecordEntity
{
    /// <summary>Bytes per binary property (Azure's limit).</summary>
    public const int PropertyBytes = 64 * 1024;

    /// <summary>Binary properties per entity.</summary>
    public const int MaxProperties = 15;

    /// <summary>The largest record stored: 983,040 bytes.</summary>
    public const int MaxRecordBytes = PropertyBytes * MaxProperties;

    /// <summary>The entity holding <paramref name="data"/> at the given keys.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The record is larger than <see cref="MaxRecordBytes"/>.</exception>
    public static TableEntity ToEntity(string partitionKey, string rowKey, ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxRecordBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length,
                $"Record '{rowKey}' is {data.Length} bytes serialized; an Azure table entity holds at most {MaxRecordBytes} bytes " +
                "(15 binary properties of 64 KiB). Nothing was written. Lower the pending-log segment size or the transaction's data.");
        }

        var entity = new TableEntity(partitionKey, rowKey);
        var property = 0;
        for (var offset = 0; offset < data.Length || property == 0; offset += PropertyBytes, property++)
        {
            entity[PropertyName(property)] = data.Slice(offset, Math.Min(PropertyBytes, data.Length - offset)).ToArray();
        }

        return entity;
    }

    /// <summary>The bytes held by <paramref name="entity"/>, joined from its binary properties in order.</summary>
    public static byte[] Data(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var parts = new List<byte[]>();
        for (var property = 0; property < MaxProperties && entity.GetBinary(PropertyName(property)) is { } part; property++)
        {
            parts.Add(part);
        }

        var data = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(data, at);
            at += part.Length;
        }

        return data;
    }

    /// <summary>
    /// What <paramref name="entity"/> adds to a batch request, estimated: binary properties travel as base64 in JSON, and each
    /// operation carries its own multipart headers and keys.
    /// </summary>
    public static int EstimatedRequestBytes(TableEntity? entity, string rowKey)
    {
        const int perOperation = 1024;
        var bytes = perOperation + (rowKey.Length * 2);
        if (entity is null)
        {
            return bytes;
        }

        foreach (var (_, value) in entity)
        {
            if (value is byte[] binary)
            {
                bytes += ((binary.Length + 2) / 3 * 4) + 64;
            }
        }

        return bytes;
    }

    private static string PropertyName(int index) => "D" + index.ToString(CultureInfo.InvariantCulture);
}
