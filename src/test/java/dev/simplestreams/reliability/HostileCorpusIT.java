package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.Trees;
import dev.simplestreams.web.RawHttp;
import dev.simplestreams.web.TestImages;
import dev.simplestreams.web.TreeSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Issue 9, scenario 4: the corpus in src/test/resources/reliability/hostile-corpus.tsv replayed byte for byte
 * against the stock Tomcat 11 distribution with the shipped server.xml (a child process) that allows overwrites
 * and deletes, with valid credentials. Every case is answered within the socket timeout, never with a 5xx, never
 * with internals (stack traces, "Apache Tomcat", versions); refused cases leave the images tree and a directory
 * outside it byte-for-byte unchanged; stored hostile metadata is reported by the indexer as a problem and never
 * published. The heap after GC stays bounded over the whole corpus. Bombs are generated here, not committed.
 */
class HostileCorpusIT {

    static final String AUTH = "Authorization: Basic "
            + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8)) + "\r\n";
    static final String VERSION = "ubuntu/jammy/amd64/default/20260101_00:00";
    static final Pattern REPEAT = Pattern.compile("\\{(\\d+)\\*([^}]*)}");
    static final AtomicInteger UNIQUE = new AtomicInteger();
    static final Map<String, Integer> OUTCOMES = new TreeMap<>();

    static Path base;
    static Path data;
    static StockTomcat server;
    static long heapBefore;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("hostile-");
        data = base.resolve("data");
        Files.createDirectories(base.resolve("outside"));
        Files.writeString(base.resolve("outside/secret"), "outside the tree");
        Trees.splitImage(data, "ubuntu:jammy:amd64:default", "20260101_00:00", TestImages.rootfs(5000));
        server = StockTomcat.start(base.resolve("tomcat"), Map.of("SIMPLESTREAMS_DIR", data.toString(),
                "UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p", "ALLOW_OVERWRITES", "1", "ALLOW_DELETES", "1",
                "INDEX_QUIET_MS", "200"));
        Catalogues.await("the seed product", Duration.ofSeconds(60), HostileCorpusIT::images,
                json -> json.at("/products/ubuntu:jammy:amd64:default").isObject());
        heapBefore = heapAfterGc();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            long growth = heapAfterGc() - heapBefore;
            System.out.printf("[reliability] hostile corpus: %s, heap growth after GC %d KiB%n", OUTCOMES,
                    growth >> 10);
            assertTrue(growth < 64L << 20, "heap after GC grew by " + (growth >> 20) + " MiB over the corpus");
            JsonNode images = images();
            assertTrue(images.at("/products/ubuntu:jammy:amd64:default/versions/20260101_00:00").isObject(),
                    "the seed image is still published");
        } finally {
            server.close();
        }
    }

    static Stream<Arguments> corpus() throws IOException {
        List<Arguments> rows = new ArrayList<>();
        try (InputStream in = HostileCorpusIT.class.getResourceAsStream("/reliability/hostile-corpus.tsv")) {
            int line = 0;
            for (String row : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line++;
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] f = row.split("\t", -1);
                rows.add(Arguments.of(line, f[0], f[1], f[2], f[3]));
            }
        }
        assertTrue(rows.size() >= 200, "the corpus holds at least 200 cases");
        return rows.stream();
    }

    @ParameterizedTest(name = "line {0}: {1} {2} -> {3} ({4})")
    @MethodSource("corpus")
    void everyHostileCaseIsRefusedOrReportedNeverCrashes(int line, String kind, String arg, String expect, String note)
            throws Exception {
        int n = UNIQUE.getAndIncrement();
        String unique = String.format("2026%02d%02d_%02d:%02d", 1 + n / (28 * 24 * 60) % 12, 1 + n / 1440 % 28,
                n / 60 % 24, n % 60);
        String fresh = "hostile/corpus/amd64/default/" + unique;
        String decoded = decode(arg.replace("{V}", fresh));
        String storedDir = List.of("multipart", "content-type", "header").contains(kind) ? "images/" + fresh : null;
        byte[] request = switch (kind) {
            case "put" -> request("PUT /images/" + decoded, "", bytes("0123456789"));
            case "delete" -> request("DELETE /images/" + decoded, "", new byte[0]);
            case "post-name" -> multipart("form-data; name=\"upload\"; filename=\"" + decoded + "\"");
            case "multipart" -> request("POST /images/", "Content-Type: multipart/form-data; boundary=B\r\n",
                    decoded.getBytes(StandardCharsets.ISO_8859_1));
            case "content-type" -> request("POST /images/", "Content-Type: " + decoded + "\r\n",
                    bytes("--B\r\nContent-Disposition: form-data; name=\"u\"; filename=\"" + fresh
                            + "/rootfs.squashfs\"\r\n\r\nabc\r\n--B--\r\n"));
            case "header" -> headerCase(decoded, fresh);
            case "method" -> request(decoded + " /images/" + VERSION + "/lxd.tar.xz", "", new byte[0]);
            case "tarball" -> {
                storedDir = "images/tarball/test/amd64/default/" + unique;
                yield request("PUT /" + storedDir + "/lxd.tar.xz", "", Bombs.make(decoded));
            }
            case "metadata-json" -> {
                storedDir = "images/ubuntu/jammy/amd64/default/" + unique;
                Trees.splitImage(data, "ubuntu:jammy:amd64:default", unique, TestImages.rootfs(3000));
                yield request("PUT /" + storedDir + "/metadata.json", "",
                        decoded.getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind + " on line " + line);
        };

        SortedMap<String, String> before = snapshot();
        RawHttp.Response response;
        long started = System.nanoTime();
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(request);
            response = http.read();
        } catch (java.net.SocketException reset) {
            // Tomcat may close the connection on a request it refuses before reading it all (huge headers):
            // that is a refusal too; nothing may have changed.
            assertEquals(before, snapshot(), "a refused request changes nothing");
            count("connection closed by the server");
            assertTrue(expect.contains("any4xx"), "only Tomcat-level refusals may close without an answer: " + reset);
            return;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 20_000, "answered in " + millis + " ms");
        int status = response.status();
        assertTrue(status < 500 || expect.equals("tomcat-501") && status == 501, () -> "no 5xx: " + response);
        assertNoInternals(response);
        boolean json = String.valueOf(response.headers().get("content-type")).startsWith("application/json");
        boolean ours = false;
        if (status >= 400) {
            assertEquals(before, snapshot(), "a refused request changes nothing");
            if (json) {
                // Tomcat's JsonErrorReportValve (requests refused before the application) sends only the status.
                JsonNode body = Catalogues.JSON.readTree(response.body());
                assertEquals(status, body.at("/status").asInt(), response::toString);
                ours = body.has("error");
                if (ours) {
                    assertFalse(body.at("/error").asText().isBlank(), response::toString);
                }
            }
        }
        switch (expect) {
            case "json4xx" -> {
                assertTrue(status >= 400 && json, () -> "a 4xx with a JSON message: " + response);
                count("4xx with a JSON message");
            }
            case "any4xx" -> {
                assertTrue(status >= 400, () -> "a 4xx: " + response);
                count(ours ? "4xx with a JSON message" : json ? "4xx in JSON from Tomcat before the application"
                        : "4xx from Tomcat's connector before the application");
            }
            case "any4xx-or-ok" -> count(status >= 400 ? "4xx with a JSON message" : "2xx (harmless)");
            case "tomcat-501" -> {
                // HTTP requires 501 for an unknown transfer coding and Tomcat refuses CONNECT the same way, in
                // the connector, before any application code: nothing was read or written.
                assertTrue(status == 501 || status >= 400 && status < 500, response::toString);
                assertEquals(before, snapshot(), "a refused request changes nothing");
                count("501 from Tomcat's connector (RFC 9112)");
            }
            case "4xx-or-problem" -> {
                if (status >= 400) {
                    assertTrue(json, response::toString);
                    count("4xx with a JSON message");
                } else {
                    count(awaitProblemOrPublished(storedDir));
                }
            }
            default -> throw new IllegalArgumentException(expect);
        }
    }

    /** A stored hostile file: the indexer must report its version as a problem, or (valid after all) publish it. */
    private static String awaitProblemOrPublished(String dir) throws Exception {
        String version = dir.substring(dir.lastIndexOf('/') + 1);
        String product = dir.startsWith("images/tarball") ? "tarball:test:amd64:default"
                : dir.startsWith("images/hostile") ? "hostile:corpus:amd64:default" : "ubuntu:jammy:amd64:default";
        String outcome = Catalogues.await("a problem entry for " + dir, Duration.ofSeconds(30), () -> {
            try {
                JsonNode status = Catalogues.JSON.readTree(Catalogues.get(server.uri("/status")).body());
                for (JsonNode problem : status.get("problems")) {
                    if (problem.get("path").asText().startsWith(dir)) {
                        return "stored, then reported as a problem by the indexer";
                    }
                }
                JsonNode listed = images().at("/products/" + product + "/versions/" + version);
                return listed.isObject() ? "stored, valid after all, published" : null;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, o -> o != null);
        return outcome;
    }

    private static byte[] headerCase(String spec, String fresh) {
        String name = spec.substring(0, spec.indexOf(':'));
        String value = spec.substring(spec.indexOf(':') + 1);
        String target = "PUT /images/" + fresh + "/rootfs.squashfs";
        byte[] body = bytes("0123456789");
        if (name.equals("many")) {
            StringBuilder headers = new StringBuilder();
            for (int i = 0; i < Integer.parseInt(value); i++) {
                headers.append("X-H-").append(i).append(": v\r\n");
            }
            return request(target, headers.toString(), body);
        }
        if (name.equals("Content-Length") || name.equals("Transfer-Encoding")) {
            return concat(bytes(target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + name + ": " + value
                    + "\r\nConnection: close\r\n\r\n"), body);
        }
        return request(target, name + ": " + "a".repeat(Integer.parseInt(value)) + "\r\n", body);
    }

    private static void assertNoInternals(RawHttp.Response response) {
        String text = response.headers() + " " + response.body();
        for (String leak : List.of("Apache Tomcat", "Exception", "\tat ", "at org.", "at java.", "at dev.simplestreams",
                "jakarta.", "Tomcat/", "11.0.", "catalina")) {
            assertFalse(text.contains(leak), () -> "reveals '" + leak + "': " + response);
        }
    }

    private static SortedMap<String, String> snapshot() {
        SortedMap<String, String> all = new TreeMap<>();
        TreeSnapshot.of(data.resolve("images")).forEach((k, v) -> all.put("images/" + k, v));
        TreeSnapshot.of(base.resolve("outside")).forEach((k, v) -> all.put("outside/" + k, v));
        return all;
    }

    private static void count(String outcome) {
        synchronized (OUTCOMES) {
            OUTCOMES.merge(outcome, 1, Integer::sum);
        }
    }

    static JsonNode images() {
        try {
            return Catalogues.imagesJson(server.uri("/"));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Tomcat process's heap after a full GC, from the JDK's jcmd. */
    private static long heapAfterGc() {
        String pid = Long.toString(server.pid());
        Cli.create().check("jcmd", pid, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(Cli.create().check("jcmd", pid, "GC.heap_info"));
        assertTrue(used.find(), "jcmd GC.heap_info reports the heap");
        return Long.parseLong(used.group(1)) << 10;
    }

    /** Expands {N*text}, then \r \n \t \xNN and \\. */
    static String decode(String arg) {
        Matcher m = REPEAT.matcher(arg);
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(expanded, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(expanded);
        String s = expanded.toString();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char next = s.charAt(++i);
            switch (next) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'x' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    private static byte[] multipart(String disposition) {
        byte[] body = concat(bytes("--B\r\nContent-Disposition: " + disposition
                + "\r\nContent-Type: application/octet-stream\r\n\r\n"), bytes("not an image\r\n--B--\r\n"));
        return request("POST /images/", "Content-Type: multipart/form-data; boundary=B\r\n", body);
    }

    private static byte[] request(String requestLine, String headers, byte[] body) {
        return concat(bytes(requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + headers + "Content-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n"), body);
    }

    /** Request text as bytes: chars up to 0xff as themselves (so \xNN is one byte), others in UTF-8. */
    private static byte[] bytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0xff) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Hostile metadata tarballs, made at test time. */
    static final class Bombs {

        private static final String GOOD_YAML = Trees.metadataYaml("x86_64", "tarball", "test", "default");

        static byte[] make(String name) throws IOException {
            return switch (name) {
                case "xz-bomb-padding" -> xz(tar(zeros("padding", 96 << 20), yaml(GOOD_YAML)));
                case "gz-bomb-padding" -> gz(tar(zeros("padding", 96 << 20), yaml(GOOD_YAML)));
                case "xz-bomb-yaml" -> xz(tar(zeros("metadata.yaml", 80 << 20)));
                case "gz-bomb-yaml" -> gz(tar(zeros("metadata.yaml", 80 << 20)));
                case "gz-bomb-yaml-declared-small" -> gz(tar(entry("metadata.yaml", new byte[1 << 20]),
                        zeros("trailer", 80 << 20)));
                case "plain-tar-padding" -> plain(tar(zeros("padding", 8 << 20), yaml(GOOD_YAML)));
                case "yaml-alias-bomb" -> xz(tar(yaml(aliasBomb())));
                case "yaml-deep-nesting" -> xz(tar(yaml("architecture: x86_64\nx:\n" + deepBlock(3000))));
                case "yaml-deep-flow" -> xz(tar(yaml("architecture: x86_64\nx: " + "[".repeat(100_000))));
                case "yaml-megabyte-string" -> xz(tar(yaml(GOOD_YAML + "junk: \"" + "a".repeat(1_000_000) + "\"\n")));
                case "yaml-megabyte-key" -> xz(tar(yaml(GOOD_YAML + "a".repeat(1_040_000) + ": 1\n")));
                case "yaml-not-a-mapping" -> xz(tar(yaml("- a\n- b\n")));
                case "yaml-no-architecture" -> xz(tar(yaml("creation_date: 1\nproperties: {os: x}\n")));
                case "yaml-architecture-list" -> xz(tar(yaml("architecture: [x86_64, aarch64]\n")));
                case "yaml-bad-architecture" -> xz(tar(yaml(GOOD_YAML.replace("x86_64", "pdp11"))));
                case "yaml-binary-garbage" -> xz(tar(yaml(new String(TestImages.rootfs(4000),
                        StandardCharsets.ISO_8859_1))));
                case "yaml-tabs" -> xz(tar(yaml("architecture:\tx86_64\n\tproperties:\n\t\tos: x\n")));
                case "yaml-duplicate-keys" -> xz(tar(yaml(GOOD_YAML + "architecture: aarch64\n")));
                case "yaml-100k-properties" -> xz(tar(yaml(manyProperties(100_000))));
                case "yaml-creation-date-string" -> xz(tar(yaml(GOOD_YAML.replaceAll("creation_date: \\d+",
                        "creation_date: \"tomorrow\""))));
                case "yaml-merge-bomb" -> xz(tar(yaml(mergeBomb())));
                case "yaml-custom-tag" -> xz(tar(yaml("architecture: !!javax.script.ScriptEngineManager [x86_64]\n")));
                case "not-compressed-garbage" -> TestImages.rootfs(50_000);
                case "xz-truncated" -> truncate(xz(tar(yaml(GOOD_YAML), zeros("rest", 1 << 20))));
                case "gz-truncated" -> truncate(gz(tar(yaml(GOOD_YAML), zeros("rest", 1 << 20))));
                case "xz-huge-dictionary" -> xzHugeDictionary();
                case "tar-symlink-metadata" -> xz(symlinkTar());
                case "tar-dir-metadata" -> xz(tar(new Entry("metadata.yaml", null, 0)));
                case "tar-absolute-paths" -> xz(tar(entry("/etc/metadata.yaml", bytes(GOOD_YAML)),
                        entry("../../metadata.yaml", bytes(GOOD_YAML))));
                case "tar-20000-entries" -> xz(manyEntries(20_000));
                case "empty-file" -> new byte[0];
                case "zero-bytes-1mib" -> new byte[1 << 20];
                default -> throw new IllegalArgumentException("no generator " + name);
            };
        }

        record Entry(String name, byte[] content, long zeros) {
        }

        static Entry entry(String name, byte[] content) {
            return new Entry(name, content, -1);
        }

        static Entry yaml(String text) {
            return entry("metadata.yaml", text.getBytes(StandardCharsets.UTF_8));
        }

        static Entry zeros(String name, long size) {
            return new Entry(name, new byte[0], size);
        }

        /** A tarball written straight into its compressor: bombs never exist uncompressed in memory. */
        interface Tar {
            void writeTo(OutputStream out) throws IOException;
        }

        static Tar tar(Entry... entries) {
            return target -> {
                TarArchiveOutputStream tar = new TarArchiveOutputStream(target);
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (Entry e : entries) {
                    if (e.content() == null) {
                        tar.putArchiveEntry(new TarArchiveEntry(e.name() + "/"));
                        tar.closeArchiveEntry();
                        continue;
                    }
                    TarArchiveEntry entry = new TarArchiveEntry(e.name());
                    entry.setSize(e.zeros() >= 0 ? e.zeros() : e.content().length);
                    tar.putArchiveEntry(entry);
                    if (e.zeros() >= 0) {
                        byte[] block = new byte[1 << 16];
                        for (long left = e.zeros(); left > 0; left -= block.length) {
                            tar.write(block, 0, (int) Math.min(block.length, left));
                        }
                    } else {
                        tar.write(e.content());
                    }
                    tar.closeArchiveEntry();
                }
                tar.finish();
            };
        }

        static byte[] plain(Tar tar) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            tar.writeTo(bytes);
            return bytes.toByteArray();
        }

        static byte[] xz(Tar tar) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new XZOutputStream(bytes, new LZMA2Options(0))) {
                tar.writeTo(out);
            }
            return bytes.toByteArray();
        }

        static byte[] gz(Tar tar) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                tar.writeTo(out);
            }
            return bytes.toByteArray();
        }

        static byte[] truncate(byte[] data) {
            return java.util.Arrays.copyOf(data, data.length / 2);
        }

        /**
         * A small xz stream whose block header asks for the largest dictionary (4 GiB): encoding one would
         * need gigabytes, so the header of a normal stream is patched (and its CRC32 recomputed).
         */
        static byte[] xzHugeDictionary() throws IOException {
            byte[] xz = xz(tar(yaml(GOOD_YAML)));
            int header = 12;
            int size = ((xz[header] & 0xff) + 1) * 4;
            if (xz[header + 2] != 0x21 || xz[header + 3] != 1) {
                throw new IllegalStateException("unexpected xz block header");
            }
            xz[header + 4] = 40;
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(xz, header, size - 4);
            long value = crc.getValue();
            for (int i = 0; i < 4; i++) {
                xz[header + size - 4 + i] = (byte) (value >>> (8 * i));
            }
            return xz;
        }

        static Tar symlinkTar() {
            return target -> {
                TarArchiveOutputStream tar = new TarArchiveOutputStream(target);
                TarArchiveEntry link = new TarArchiveEntry("metadata.yaml", TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("/etc/passwd");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
                tar.finish();
            };
        }

        static Tar manyEntries(int count) {
            Entry[] entries = new Entry[count + 1];
            for (int i = 0; i < count; i++) {
                entries[i] = entry("f" + i, new byte[0]);
            }
            entries[count] = yaml(GOOD_YAML);
            return tar(entries);
        }

        static String aliasBomb() {
            StringBuilder yaml = new StringBuilder("architecture: x86_64\na0: &a0 [" + "\"lol\",".repeat(8)
                    + "\"lol\"]\n");
            for (int i = 1; i < 12; i++) {
                yaml.append('a').append(i).append(": &a").append(i).append(" [");
                for (int j = 0; j < 9; j++) {
                    yaml.append(j == 0 ? "" : ",").append("*a").append(i - 1);
                }
                yaml.append("]\n");
            }
            return yaml.toString();
        }

        static String mergeBomb() {
            StringBuilder yaml = new StringBuilder("architecture: x86_64\nb0: &b0 {k0: v}\n");
            for (int i = 1; i < 40; i++) {
                yaml.append("b").append(i).append(": &b").append(i).append(" {<<: [*b").append(i - 1).append(", *b")
                        .append(i - 1).append("], k").append(i).append(": v}\n");
            }
            return yaml.toString();
        }

        static String deepBlock(int depth) {
            StringBuilder yaml = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                yaml.append(" ".repeat(i + 1)).append("k:\n");
            }
            return yaml.toString();
        }

        static String manyProperties(int count) {
            StringBuilder yaml = new StringBuilder("architecture: x86_64\nproperties:\n");
            for (int i = 0; i < count && yaml.length() < 1_000_000; i++) {
                yaml.append("  p").append(i).append(": v\n");
            }
            return yaml.toString();
        }
    }
}
