using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using OrleansRecovery.Client;

namespace Orleans.Hosting;

/// <summary>TLS for OrleansRecovery silos and clients through Orleans' <c>UseTls</c>, with <see cref="TransactionTlsOptions"/>.</summary>
public static class TransactionTlsBuilderExtensions
{
    /// <summary>
    /// Switches TLS on for every silo connection when <c>Orleans:Tls:Enabled</c> is true in <paramref name="configuration"/>: silos
    /// always authenticate each other; clients must present a certificate when <c>RequireClientCertificate</c> is true.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration holding <c>Orleans:Tls</c>.</param>
    /// <param name="baseDirectory">Relative certificate paths are resolved against it (default: the working directory).</param>
    /// <exception cref="OptionsValidationException">The options are not usable; each failure names its key.</exception>
    public static ISiloBuilder UseTransactionRecoveryTls(this ISiloBuilder builder, IConfiguration configuration, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (TransactionTlsOptions.FromConfiguration(configuration) is not { } options)
        {
            return builder;
        }

        var certificate = Load(options, TransactionTlsRole.Silo, baseDirectory)
            ?? CertificateLoader.LoadFromStoreCert(options.StoreSubject!.Trim(), options.StoreName.ToString(), options.StoreLocation, allowInvalid: false, server: true);

        // Orleans' UseTls gives silo and gateway listeners one remote-certificate rule; silos must always present one to each
        // other, while clients may be let in without one, so each direction is set here as UseTls would set them all.
        return builder.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(c => c.UseServerTls(Tls(options, certificate, RemoteCertificateMode.RequireCertificate)));
            o.ConfigureGatewayInboundConnection(c => c.UseServerTls(Tls(options, certificate,
                options.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate)));
            o.ConfigureSiloOutboundConnection(c => c.UseClientTls(Tls(options, certificate, RemoteCertificateMode.RequireCertificate)));
        });
    }

    /// <summary>
    /// Connects to the silos over TLS when <c>Orleans:Tls:Enabled</c> is true in <paramref name="configuration"/>, with the silos'
    /// own keys: their certificate is checked by <c>TargetHost</c> or pinned <c>TrustedThumbprints</c>, and the configured
    /// certificate, if any, is presented as the client certificate.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not usable; each failure names its key.</exception>
    public static IClientBuilder UseTransactionRecoveryTls(this IClientBuilder builder, IConfiguration configuration, string? baseDirectory = null,
        Action<TransactionTlsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (TransactionTlsOptions.FromConfiguration(configuration) is not { } options)
        {
            return builder;
        }

        configure?.Invoke(options);
        return builder.UseTransactionRecoveryTls(options, baseDirectory);
    }

    /// <summary>Connects to the silos over TLS with options set in code (see <see cref="TransactionTlsOptions"/>).</summary>
    /// <exception cref="OptionsValidationException">The options are not usable; each failure names its key.</exception>
    public static IClientBuilder UseTransactionRecoveryTls(this IClientBuilder builder, Action<TransactionTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TransactionTlsOptions { Enabled = true };
        configure(options);
        return builder.UseTransactionRecoveryTls(options);
    }

    /// <summary>Connects to the silos over TLS with <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are not usable; each failure names its key.</exception>
    public static IClientBuilder UseTransactionRecoveryTls(this IClientBuilder builder, TransactionTlsOptions options, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        // Loaded now, not at the first connection: a wrong file or password fails here, in the caller's stack, instead of
        // surfacing as "no gateway could be reached".
        var certificate = Load(options, TransactionTlsRole.Client, baseDirectory);
        return string.IsNullOrWhiteSpace(options.StoreSubject)
            ? builder.UseTls(o => TransactionTls.Configure(o, options, certificate, RemoteCertificateMode.RequireCertificate))
            : builder.UseTls(options.StoreName, options.StoreSubject.Trim(), allowInvalid: false, options.StoreLocation,
                o => TransactionTls.Configure(o, options, null, RemoteCertificateMode.RequireCertificate));
    }

    private static TlsOptions Tls(TransactionTlsOptions options, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, RemoteCertificateMode remote)
    {
        var tls = new TlsOptions();
        TransactionTls.Configure(tls, options, certificate, remote);
        return tls;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? Load(TransactionTlsOptions options, TransactionTlsRole role, string? baseDirectory)
    {
        var failures = new List<string>();
        var certificate = TransactionTls.LoadCertificate(options, role, baseDirectory, null, failures);
        if (failures.Count > 0)
        {
            if (!ReferenceEquals(certificate, options.Certificate))
            {
                certificate?.Dispose();
            }

            throw new OptionsValidationException(TransactionTlsOptions.SectionName, typeof(TransactionTlsOptions), failures);
        }

        return certificate;
    }
}
