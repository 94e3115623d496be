package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import dev.simplestreams.web.TestImages;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, scenario 6: concurrent full and Range downloads, catalogue reads, uploads and deletes
 * (ALLOW_DELETES on) with the watcher active, on a real (embedded, so measurable in this JVM) Tomcat: 30 s in
 * the test command, 5 minutes with -Dsoak=true. Zero errors; threads, open file descriptors (/proc/self/fd)
 * and heap after GC sampled through the run show no growth between the first and the last third.
 */
class LoadSoakIT {

    private static final String AUTH = "Basic "
            + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    private static final List<String> STABLE = List.of("load:a:amd64:default", "load:b:arm64:default",
            "load:c:amd64:cloud");

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedDeque<String> uploaded = new ConcurrentLinkedDeque<>();
    private final AtomicInteger versions = new AtomicInteger();
    private volatile boolean running = true;
    private URI uri;

    record Sample(long seconds, int threads, long fds, long heap) {
    }

    @Test
    void concurrentTrafficWithoutErrorsOrGrowth(@TempDir Path data) throws Exception {
        for (String product : STABLE) {
            byte[] rootfs = TestImages.rootfs(2 << 20);
            Path dir = Trees.splitImage(data, product, "20250101_00:00", rootfs);
            files.put("/" + data.relativize(dir.resolve("rootfs.squashfs")), rootfs);
        }
        try (TomcatServer server = TomcatServer.start(data, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p",
                "ALLOW_DELETES", "1", "ALLOW_OVERWRITES", "1", "INDEX_QUIET_MS", "200"))) {
            uri = server.uri("/");
            Catalogues.await("the stable products", Duration.ofSeconds(60), this::images,
                    json -> STABLE.stream().allMatch(p -> json.at("/products/" + p).isObject()));
            Duration length = Soak.load();
            ExecutorService pool = Executors.newFixedThreadPool(7);
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            try {
                for (int i = 0; i < 4; i++) {
                    long seed = i;
                    pool.submit(() -> loop("download", new Random(seed), this::download));
                }
                pool.submit(() -> loop("catalogue", new Random(9), r -> catalogue()));
                pool.submit(() -> loop("upload", new Random(10), r -> upload()));
                pool.submit(() -> loop("delete", new Random(11), r -> delete()));
                long step = length.toMillis() / 15;
                for (int i = 1; i <= 15; i++) {
                    Thread.sleep(step);
                    samples.add(sample(start));
                }
            } finally {
                running = false;
                pool.shutdown();
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "workers stop");
            }
            assertEquals(List.of(), errors, "zero errors");
            JsonNode images = images();
            for (String product : STABLE) {
                assertTrue(images.at("/products/" + product).isObject(), product);
            }
            assertEquals(List.of(), Catalogues.temporaries(data.resolve("images")), "no temporaries");
            Sample first = summarise(samples.subList(0, 5));
            Sample last = summarise(samples.subList(10, 15));
            System.out.printf("[reliability] load %ds: %s, 0 errors; first third %s, last third %s%n",
                    length.toSeconds(), counts, first, last);
            assertTrue(last.threads() <= first.threads() + 8, () -> "threads grew: " + samples);
            assertTrue(last.fds() <= first.fds() + 32, () -> "file descriptors grew: " + samples);
            assertTrue(last.heap() <= first.heap() + (48L << 20), () -> "heap after GC grew: " + samples);
        }
    }

    /** One request or a few; false when there was nothing to do (no version to delete yet). */
    interface Action {
        boolean run(Random random) throws Exception;
    }

    private void loop(String name, Random random, Action action) {
        while (running) {
            try {
                if (action.run(random)) {
                    counts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
                }
            } catch (Throwable e) {
                if (running && errors.size() < 20) {
                    errors.add(name + ": " + e);
                }
            }
        }
    }

    private boolean download(Random random) throws Exception {
        List<String> paths = new ArrayList<>(files.keySet());
        String path = paths.get(random.nextInt(paths.size()));
        byte[] expected = files.get(path);
        if (random.nextBoolean()) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri.resolve(path)).GET());
            check(response.statusCode() == 200 && Arrays.equals(expected, response.body()), "full GET " + path
                    + " -> " + response.statusCode());
        } else {
            int from = random.nextInt(expected.length);
            int to = Math.min(expected.length - 1, from + random.nextInt(300_000));
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri.resolve(path))
                    .header("Range", "bytes=" + from + "-" + to).GET());
            check(response.statusCode() == 206 && Arrays.equals(Arrays.copyOfRange(expected, from, to + 1),
                    response.body()), "Range GET " + path + " " + from + "-" + to + " -> " + response.statusCode());
        }
        return true;
    }

    private boolean catalogue() throws Exception {
        JsonNode images = images();
        for (String product : STABLE) {
            check(images.at("/products/" + product + "/versions/20250101_00:00").isObject(),
                    "catalogue lost " + product);
        }
        Thread.sleep(50);
        return true;
    }

    private boolean upload() throws Exception {
        int n = versions.getAndIncrement();
        String dir = String.format("/images/load/churn/amd64/default/2026%02d%02d_%02d:%02d", 1 + n / 40320 % 12,
                1 + n / 1440 % 28, n / 60 % 24, n % 60);
        for (Map.Entry<String, byte[]> file : Map.of("lxd.tar.xz", TestImages.metadata("load:churn:amd64:default"),
                "rootfs.squashfs", TestImages.rootfs(256 << 10)).entrySet()) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri.resolve(dir + "/" + file.getKey()))
                    .header("Authorization", AUTH).PUT(HttpRequest.BodyPublishers.ofByteArray(file.getValue())));
            check(response.statusCode() == 201, "PUT " + dir + "/" + file.getKey() + " -> " + response.statusCode()
                    + " " + new String(response.body(), StandardCharsets.UTF_8));
        }
        uploaded.add(dir);
        return true;
    }

    private boolean delete() throws Exception {
        if (uploaded.size() < 4) {
            Thread.sleep(100);
            return false;
        }
        String dir = uploaded.poll();
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri.resolve(dir)).header("Authorization", AUTH)
                .DELETE());
        check(response.statusCode() == 200, "DELETE " + dir + " -> " + response.statusCode() + " "
                + new String(response.body(), StandardCharsets.UTF_8));
        return true;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return Catalogues.HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private JsonNode images() {
        try {
            return Catalogues.imagesJson(uri);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Threads, descriptors, and the heap the last full GC left (each heap pool's collection usage): the workers keep
     * allocating, so the heap read a moment after a GC would mostly measure their fresh garbage.
     */
    private static Sample sample(long start) throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
                .mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
        long fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            fds = open.count();
        }
        return new Sample((System.nanoTime() - start) / 1_000_000_000L,
                ManagementFactory.getThreadMXBean().getThreadCount(), fds, heap);
    }

    /**
     * The median of threads and descriptors, and the lowest heap: requests in flight at a sample add tens of MB
     * to it now and then (68-72 MB with single samples of 114-193 MB in one run), while a leak raises the floor.
     */
    private static Sample summarise(List<Sample> samples) {
        List<Integer> threads = samples.stream().map(Sample::threads).sorted().toList();
        List<Long> fds = samples.stream().map(Sample::fds).sorted().toList();
        long heap = samples.stream().mapToLong(Sample::heap).min().orElseThrow();
        int m = samples.size() / 2;
        return new Sample(samples.get(m).seconds(), threads.get(m), fds.get(m), heap);
    }
}
