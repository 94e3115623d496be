package dev.simplestreams.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.zip.GZIPOutputStream;

/** One published state of the catalogue: the model, the problems found, and the exact bytes served. */
public final class PublishedCatalog {

    private final SortedMap<String, Product> products;
    private final List<Problem> problems;
    private final byte[] indexJson;
    private final byte[] imagesJson;
    private final Instant updated;
    private final Gzipped indexGzip;
    private final Gzipped imagesGzip;

    public PublishedCatalog(SortedMap<String, Product> products, List<Problem> problems, byte[] indexJson,
            byte[] imagesJson, Instant updated) {
        this.products = products;
        this.problems = problems;
        this.indexJson = indexJson;
        this.imagesJson = imagesJson;
        this.updated = updated;
        this.indexGzip = new Gzipped(indexJson);
        this.imagesGzip = new Gzipped(imagesJson);
    }

    public SortedMap<String, Product> products() {
        return products;
    }

    public List<Problem> problems() {
        return problems;
    }

    public byte[] indexJson() {
        return indexJson;
    }

    public byte[] imagesJson() {
        return imagesJson;
    }

    public Instant updated() {
        return updated;
    }

    public int versionCount() {
        return products.values().stream().mapToInt(p -> p.versions().size()).sum();
    }

    public byte[] indexGzip() {
        return indexGzip.get();
    }

    public byte[] imagesGzip() {
        return imagesGzip.get();
    }

    /** Compressed on first request only: most catalogue states are never fetched with gzip. */
    private static final class Gzipped {
        private final byte[] plain;
        private volatile byte[] compressed;

        Gzipped(byte[] plain) {
            this.plain = plain;
        }

        byte[] get() {
            byte[] gz = compressed;
            if (gz == null) {
                gz = gzip(plain);
                compressed = gz;
            }
            return gz;
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 8));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
