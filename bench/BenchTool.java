import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Helpers for bench/run.sh that a shell does badly: generating many distinct files fast, the raw SHA-256
 * limit with N threads, request latencies on a kept-alive connection, and millisecond latencies from an upload
 * response (or a completed copy) to the version being visible. Run as a single-file program:
 * java bench/BenchTool.java <command> ...
 * Every output line a caller parses is "key value".
 */
public class BenchTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gen" -> gen(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), Path.of(args[4]),
                    Integer.parseInt(args[5]));
            case "file" -> file(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "rawhash" -> rawhash(Path.of(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 ? Integer.parseInt(args[3]) : 1);
            case "visible" -> visible(args[1], Path.of(args[2]), Integer.parseInt(args[3]), args[4], Path.of(args[5]),
                    args[6]);
            case "copyvisible" -> copyVisible(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]),
                    args[5]);
            case "latency" -> latency(args[1], Integer.parseInt(args[2]), args[3]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * A stand-in squashfs: a superblock declaring the file's size (what the server checks of a root file), then
     * random bytes from a seed: distinct seeds give distinct files.
     */
    static void file(Path out, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = size;
            while (left > 0) {
                buffer.clear();
                int n = (int) Math.min(buffer.capacity(), left);
                for (int i = 0; i < n; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        buffer.put((byte) (v >>> (8 * j)));
                    }
                }
                if (left == size && n >= 96) {
                    superblock(buffer, size);
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                left -= n;
            }
        }
    }

    private static void superblock(ByteBuffer buffer, long size) {
        ByteBuffer block = buffer.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        block.put(0, (byte) 'h').put(1, (byte) 's').put(2, (byte) 'q').put(3, (byte) 's');
        block.putInt(12, 128 << 10).putShort(20, (short) 1).putShort(22, (short) 17).putShort(28, (short) 4)
                .putLong(40, size);
    }

    static String versionName(int i) {
        // 2026-01-01 plus i minutes, as YYYYMMDD_HH:MM
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2026, 1, 1, 0, 0).plusMinutes(i);
        return String.format("%04d%02d%02d_%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute());
    }

    /** versions versions spread over products of 100 versions each, each a copy of meta plus a distinct root file. */
    static void gen(Path root, int versions, long rootBytes, Path meta, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < versions; i++) {
            int v = i;
            futures.add(pool.submit(() -> {
                Path dir = root.resolve("images/bench/p" + (v / 100) + "/amd64/default/" + versionName(v % 100));
                Files.createDirectories(dir);
                Files.copy(meta, dir.resolve("lxd.tar.xz"));
                file(dir.resolve("rootfs.squashfs"), rootBytes, v);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    /**
     * The physical limit: every regular file read once and its bytes fed to {@code digests} SHA-256 digests, on
     * {@code threads} threads. Two digests is what the server must do to a split image's root file (its own
     * sha256, and the fingerprint continuing the metadata tarball's digest): the honest floor of a full build.
     */
    static void rawhash(Path dir, int threads, int digests) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                MessageDigest[] shas = new MessageDigest[digests];
                for (int d = 0; d < digests; d++) {
                    shas[d] = MessageDigest.getInstance("SHA-256");
                }
                byte[] buffer = new byte[1 << 20];
                long bytes = 0;
                int i;
                while ((i = next.getAndIncrement()) < files.size()) {
                    try (InputStream in = Files.newInputStream(files.get(i))) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            for (MessageDigest sha : shas) {
                                sha.update(buffer, 0, n);
                            }
                            bytes += n;
                        }
                    }
                    for (MessageDigest sha : shas) {
                        sha.digest();
                    }
                }
                return bytes;
            }));
        }
        long bytes = 0;
        for (Future<Long> f : futures) {
            bytes += f.get();
        }
        pool.shutdown();
        System.out.println("files " + files.size());
        System.out.println("bytes " + bytes);
        System.out.printf("seconds %.3f%n", (System.nanoTime() - start) / 1e9);
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Polls the served catalogue as a client reads it (index.json, then the products document it names for
     * {@code product}) until it names {@code needle} (ms since {@code t0}), then the same documents on disk (ms since
     * {@code diskT0}). The served documents are polled first and alone, so that their figure is not delayed by
     * reading the files. {@code atT0}: the products document that was on disk at {@code t0}, opened then (or null);
     * when it already names {@code needle}, the catalogue was on disk at {@code t0}, and the disk figure is
     * {@code t0 - diskT0} without the time the served poll and the reading took.
     */
    static long[] awaitVisible(String base, Path dataRoot, String product, String needle, long t0, long diskT0,
            FileChannel atT0, long timeoutMs) throws Exception {
        long served = -1;
        long onDisk = -1;
        while (served < 0 && System.nanoTime() - t0 < timeoutMs * 1_000_000L) {
            if (servedDocument(base, product).contains(needle)) {
                served = (System.nanoTime() - t0) / 1000;
            } else {
                Thread.sleep(5);
            }
        }
        if (atT0 != null && names(atT0, needle)) {
            onDisk = (t0 - diskT0) / 1000;
        }
        while (onDisk < 0 && System.nanoTime() - t0 < timeoutMs * 1_000_000L) {
            FileChannel document = openDocument(dataRoot, product);
            if (document != null && names(document, needle)) {
                onDisk = (System.nanoTime() - diskT0) / 1000;
            } else {
                Thread.sleep(5);
            }
        }
        return new long[] {served, onDisk};
    }

    /** The served products document that names {@code product}, as a client finds it; empty if none does. */
    static String servedDocument(String base, String product) throws Exception {
        String index = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/streams/v1/index.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String path = documentOf(index, product);
        return path == null ? "" : HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The path of the products document an index.json names {@code product} in; null when none does. Entries'
     * members are in alphabetical order, so an entry's path comes just before its product list.
     */
    static String documentOf(String index, String product) {
        int named = index.indexOf("\"" + product + "\"");
        int path = named < 0 ? -1 : index.lastIndexOf("\"path\":\"", named);
        return path < 0 ? null : index.substring(path + 8, index.indexOf('"', path + 8));
    }

    /** Whether the file open in {@code channel} (the one at its path when it was opened) contains {@code needle}. */
    static boolean names(FileChannel channel, String needle) throws IOException {
        try (channel) {
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.ISO_8859_1)
                    .contains(needle);
        }
    }

    /** The products document the index.json at {@code dataRoot} names {@code product} in, open; null if none. */
    static FileChannel openDocument(Path dataRoot, String product) {
        try {
            String path = documentOf(Files.readString(dataRoot.resolve("streams/v1/index.json")), product);
            return path == null ? null : FileChannel.open(dataRoot.resolve(path), StandardOpenOption.READ);
        } catch (IOException e) {
            return null;
        }
    }

    static void print(String name, List<Long> micros) {
        StringBuilder sb = new StringBuilder(name);
        for (long m : micros) {
            sb.append(' ').append(m);
        }
        System.out.println(sb);
    }

    /**
     * count GETs of {@code url} on one kept-alive connection, each body read whole, after a warm-up; prints each
     * request's microseconds. {@code auth}: user:password for HTTP Basic, or - for none.
     */
    static void latency(String url, int count, String auth) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (!auth.equals("-")) {
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        HttpRequest get = request.build();
        List<Long> micros = new ArrayList<>();
        for (int i = -count / 5; i < count; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = HTTP.send(get, HttpResponse.BodyHandlers.ofByteArray());
            long t = (System.nanoTime() - t0) / 1000;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + ": " + r.statusCode());
            }
            if (i >= 0) {
                micros.add(t);
            }
        }
        print("us", micros);
    }

    /**
     * count uploads (metadata, then a small root file, by PUT); served: from the root's response to the served
     * catalogue naming it; sent: from sending the root file to the served catalogue naming it; disk: from sending the root file to the catalogue on disk naming it: the root upload's
     * round trip when the catalogue on disk as the answer arrives names it (the server writes it before it
     * answers), polled otherwise.
     */
    static void visible(String base, Path dataRoot, int count, String auth, Path meta, String product) throws Exception {
        List<Long> served = new ArrayList<>();
        List<Long> sentToServed = new ArrayList<>();
        List<Long> disk = new ArrayList<>();
        String basic = "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
        Path root = Files.createTempFile("bench-root", ".bin");
        // This JVM's HTTP client and string decoding reach their steady state first: on a cold harness the first
        // six polls of an 8 MB products document took 110-180 ms each, and decided the p99 of 50 uploads.
        String id = "bench:" + product + ":amd64:default";
        for (int i = 0; i < 10; i++) {
            servedDocument(base, id).contains("warm-up");
        }
        for (int i = 0; i < count; i++) {
            file(root, 64 * 1024, 1_000_000 + System.nanoTime());
            String version = versionName(i);
            String dir = base + "/images/bench/" + product + "/amd64/default/" + version;
            long sent = 0;
            for (String[] part : new String[][] {{"lxd.tar.xz", meta.toString()}, {"rootfs.squashfs", root.toString()}}) {
                sent = System.nanoTime();
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(dir + "/" + part[0]))
                        .header("Authorization", basic)
                        .PUT(HttpRequest.BodyPublishers.ofFile(Path.of(part[1]))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("upload " + part[0] + ": " + r.statusCode() + " " + r.body());
                }
            }
            long t0 = System.nanoTime();
            FileChannel onDiskAtAnswer = openDocument(dataRoot, id);
            long[] t = awaitVisible(base, dataRoot, id, "images/bench/" + product + "/amd64/default/" + version
                    + "/rootfs.squashfs", t0, sent, onDiskAtAnswer, 30_000);
            served.add(t[0]);
            sentToServed.add((t0 - sent) / 1000 + t[0]);
            disk.add(t[1]);
        }
        Files.deleteIfExists(root);
        print("served_us", served);
        print("sent_us", sentToServed);
        print("disk_us", disk);
    }

    /** count versions copied in with cp -r (as another tool would); latency from cp's exit to visibility. */
    static void copyVisible(String base, Path dataRoot, int count, Path meta, String product) throws Exception {
        List<Long> served = new ArrayList<>();
        List<Long> disk = new ArrayList<>();
        Path stage = Files.createTempDirectory(dataRoot.getParent(), "stage");
        for (int i = 0; i < count; i++) {
            String version = versionName(i);
            Path src = stage.resolve(version);
            Files.createDirectories(src);
            Files.copy(meta, src.resolve("lxd.tar.xz"));
            file(src.resolve("rootfs.squashfs"), 64 * 1024, 2_000_000 + System.nanoTime());
            Path target = dataRoot.resolve("images/bench/" + product + "/amd64/default");
            Files.createDirectories(target);
            Process p = new ProcessBuilder("cp", "-r", src.toString(), target.resolve(version).toString())
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cp failed");
            }
            long t0 = System.nanoTime();
            long[] t = awaitVisible(base, dataRoot, "bench:" + product + ":amd64:default", "images/bench/" + product
                    + "/amd64/default/" + version + "/rootfs.squashfs", t0, t0, null, 60_000);
            served.add(t[0]);
            disk.add(t[1]);
        }
        print("served_us", served);
        print("disk_us", disk);
    }
}
