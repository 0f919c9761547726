using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRecovery.Testing;

/// <summary>Self-signed certificates for TLS tests, made at run time (never committed).</summary>
public static class TestCertificates
{
    /// <summary>
    /// A self-signed RSA certificate for <c>localhost</c> and 127.0.0.1, usable for server and client authentication, with an
    /// exportable private key that <c>SslStream</c> can use on every platform.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string subject = "CN=orleansrecovery-test", DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PFX so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx, (string?)null), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>Writes <paramref name="certificate"/> with its key as a PFX protected by <paramref name="password"/>; returns its path.</summary>
    public static string WritePfx(X509Certificate2 certificate, string directory, string password, string name = "silo.pfx")
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
