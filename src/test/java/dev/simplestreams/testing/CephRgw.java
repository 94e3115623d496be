package dev.simplestreams.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A real single-node Ceph cluster from Debian's packages, on 127.0.0.1 only: one monitor, one BlueStore OSD on
 * a file, and the RADOS gateway (S3). No cephx (a private test cluster), one replica per pool. Started once per
 * test run (about 20 s) and shared: each test class takes a bucket of its own. The daemons run in the
 * foreground as children of this JVM and are stopped by PID at exit.
 */
public final class CephRgw {

    public static final String ACCESS_KEY = "simplestreams-test";
    public static final String SECRET_KEY = "simplestreams-test-secret";
    public static final String REGION = "us-east-1";
    private static CephRgw shared;

    private final Path dir;
    private final int rgwPort;
    private final List<Process> daemons = new ArrayList<>();

    private CephRgw(Path dir, int rgwPort) {
        this.dir = dir;
        this.rgwPort = rgwPort;
    }

    /** The run's cluster, started on first use. */
    public static synchronized CephRgw shared() {
        if (shared == null) {
            try {
                CephRgw rgw = new CephRgw(Files.createTempDirectory("ceph-rgw"), StockTomcat.freePort());
                rgw.boot();
                Runtime.getRuntime().addShutdownHook(new Thread(rgw::stop));
                shared = rgw;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + rgwPort);
    }

    /** A new, empty bucket. */
    public String createBucket(String hint) {
        String bucket = hint + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = client()) {
            s3.createBucket(r -> r.bucket(bucket));
        }
        return bucket;
    }

    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** An SDK client as the server configures its own (path style, checksums only when required). */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(credentials())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public S3Presigner presigner() {
        return S3Presigner.builder().endpointOverride(endpoint()).region(Region.of(REGION))
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /** The environment a server process needs to reach the bucket through the standard AWS chain. */
    public Map<String, String> serverEnvironment(String bucket) {
        return Map.of("STORAGE", "s3", "S3_ENDPOINT", endpoint().toString(), "S3_BUCKET", bucket,
                "S3_PATH_STYLE", "1", "S3_REGION", REGION, "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    private void boot() throws IOException {
        long started = System.nanoTime();
        int monPort = StockTomcat.freePort();
        String fsid = UUID.randomUUID().toString();
        for (String sub : new String[] {"run", "log", "mon", "osd", "rgw"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        // Traps: without cephx the client must still offer "crc secure", or radosgw loops on auth -13; the
        // BlueStore block file must live outside the OSD's data directory.
        Files.writeString(dir.resolve("ceph.conf"), String.join("\n",
                "[global]",
                "fsid = " + fsid,
                "mon host = 127.0.0.1:" + monPort,
                "mon initial members = a",
                "public addr = 127.0.0.1",
                "auth cluster required = none",
                "auth service required = none",
                "auth client required = none",
                "ms mon client mode = crc secure",
                "osd pool default size = 1",
                "osd pool default min size = 1",
                "osd crush chooseleaf type = 0",
                "mon allow pool size one = true",
                "run dir = " + dir.resolve("run"),
                "log file = " + dir.resolve("log") + "/$name.log",
                "admin socket = " + dir.resolve("run") + "/$name.asok",
                "[mon.a]",
                "mon data = " + dir.resolve("mon"),
                "[osd.0]",
                "osd data = " + dir.resolve("osd"),
                "osd objectstore = bluestore",
                "bluestore block path = " + dir.resolve("osd-block"),
                "bluestore block size = 4294967296",
                "[client.rgw]",
                "rgw frontends = beast endpoint=127.0.0.1:" + rgwPort,
                "rgw data = " + dir.resolve("rgw"),
                ""));
        Cli cli = Cli.create().timeout(Duration.ofSeconds(90));
        cli.check("monmaptool", "--create", "--add", "a", "127.0.0.1:" + monPort, "--fsid", fsid,
                dir.resolve("monmap").toString());
        cli.check("ceph-mon", "-c", conf(), "--mkfs", "-i", "a", "--monmap", dir.resolve("monmap").toString());
        daemon("ceph-mon", "-c", conf(), "-f", "-i", "a");
        String osdUuid = UUID.randomUUID().toString();
        cli.check("ceph", "-c", conf(), "osd", "new", osdUuid);
        cli.check("ceph-osd", "-c", conf(), "-i", "0", "--mkfs", "--osd-uuid", osdUuid);
        daemon("ceph-osd", "-c", conf(), "-f", "-i", "0");
        awaitOsdUp(cli);
        daemon("radosgw", "-c", conf(), "-f", "-n", "client.rgw");
        awaitPort(rgwPort, Duration.ofSeconds(60));
        cli.check("radosgw-admin", "-c", conf(), "user", "create", "--uid", "simplestreams", "--display-name",
                "simplestreams tests", "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY);
        System.out.printf("Ceph RGW up on %s in %.1f s%n", endpoint(), (System.nanoTime() - started) / 1e9);
    }

    private void daemon(String... command) {
        daemons.add(Cli.create().start(dir.resolve("log").resolve(command[0] + ".out"), command));
    }

    private void awaitOsdUp(Cli cli) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (cli.run("ceph", "-c", conf(), "osd", "stat").stdout().contains("1 up")) {
                return;
            }
            pause();
        }
        throw new IllegalStateException("the OSD did not come up within 60 s:\n" + logs());
    }

    private void awaitPort(int port, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                pause();
            }
        }
        throw new IllegalStateException("radosgw did not listen on " + port + " within " + limit + ":\n" + logs());
    }

    private String logs() {
        StringBuilder text = new StringBuilder();
        for (String name : new String[] {"ceph-mon.out", "ceph-osd.out", "radosgw.out", "client.rgw.log"}) {
            text.append("== ").append(name).append('\n').append(Cli.tail(dir.resolve("log").resolve(name), 2000));
        }
        return text.toString();
    }

    /** Gateway first, monitor last, each by its own PID. */
    private void stop() {
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Cli.stop(daemons.get(i).toHandle(), Duration.ofSeconds(10));
        }
        Cli.create().run("rm", "-rf", dir.toString());
    }

    private String conf() {
        return dir.resolve("ceph.conf").toString();
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
