package dev.simplestreams.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away CA and a server certificate for 127.0.0.1 and localhost, made by the openssl CLI. The Go clients
 * (lxc, incus) ignore the CN and need the SAN entries; the leaf is signed by the CA so that the same CA file can be
 * dropped into {@code servercerts/} of either client.
 */
public final class TestCa {

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    public static TestCa create(Path dir) {
        Cli cli = Cli.create().timeout(java.time.Duration.ofMinutes(1));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"), String.join("\n",
                    "basicConstraints=critical,CA:FALSE",
                    "keyUsage=critical,digitalSignature,keyEncipherment",
                    "extendedKeyUsage=serverAuth",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        String d = dir.toString();
        cli.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", d + "/ca.key", "-out", d + "/ca.crt", "-days", "3650",
                "-subj", "/CN=simplestreams throw-away test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        cli.check("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=127.0.0.1");
        cli.check("openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                "-set_serial", "0x" + Long.toHexString(System.nanoTime() & Long.MAX_VALUE), "-days", "825",
                "-extfile", d + "/server.ext", "-out", d + "/server.crt");
        return new TestCa(dir);
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** PEM, the leaf only (clients trust the CA directly, so no chain is needed). */
    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    /** PEM, unencrypted PKCS#8. */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** For Java-side HTTPS calls (java.net.http.HttpClient) that must trust only this CA. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(caCert())) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("test-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + caCert(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSLContext from " + caCert(), e);
        }
    }
}
