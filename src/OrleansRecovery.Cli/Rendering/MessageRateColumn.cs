using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansRecovery.Cli.Rendering;

/// <summary>A progress column showing the current rate in messages per second (Spectre's own speed column counts bytes).</summary>
internal sealed class MessageRateColumn : ProgressColumn
{
    /// <inheritdoc />
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Speed is { } speed
            ? new Text(string.Create(CultureInfo.InvariantCulture, $"{speed:#,0} msg/s"), new Style(Color.Grey))
            : new Text("");
    }
}
