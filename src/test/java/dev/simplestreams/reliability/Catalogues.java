package dev.simplestreams.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplestreams.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Reading and comparing served catalogues, and looking for temporaries, for the reliability scenarios. */
final class Catalogues {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Catalogues() {
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** images.json as served, parsed (which fails on anything but complete, valid JSON). */
    static JsonNode imagesJson(URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = get(base.resolve("/streams/v1/images.json"));
        if (response.statusCode() != 200) {
            throw new AssertionError("images.json: " + response.statusCode() + " " + response.body());
        }
        JsonNode index = JSON.readTree(get(base.resolve("/streams/v1/index.json")).body());
        if (!index.at("/index/images/products").isArray()) {
            throw new AssertionError("index.json lists no products: " + index);
        }
        return JSON.readTree(response.body());
    }

    /** The products of a catalogue without the times it was written at: what a clean rebuild must equal. */
    static JsonNode products(JsonNode imagesJson) {
        JsonNode products = imagesJson.get("products").deepCopy();
        strip(products);
        return products;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("updated");
            object.remove("pubname");
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext();) {
            strip(children.next());
        }
    }

    /** Every hidden upload/write temporary under a directory (.name.uuid.upload, .name.uuid.tmp). */
    static List<Path> temporaries(Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(".") && (name.endsWith(".upload") || name.endsWith(".tmp"));
            }).forEach(found::add);
        }
        return found;
    }

    /** {@link Eventually#await}, for probes that fail until the server has caught up (no catalogue yet). */
    static <T> T await(String what, Duration limit, Supplier<T> probe, Predicate<T> done) {
        return Eventually.await(what, limit, () -> {
            try {
                return probe.get();
            } catch (RuntimeException | AssertionError notYet) {
                return null;
            }
        }, last -> last != null && done.test(last));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
