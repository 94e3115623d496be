package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.JsonMappers.YAML;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.input.BoundedInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.XZInputStream;

/**
 * Reads {@code metadata.yaml} from an image tarball (split metadata tarball or unified tarball), with
 * hard bounds so a hostile archive (a bomb, a giant YAML) costs little.
 */
public final class MetadataReader {

    private static final int MAX_YAML_BYTES = 1 << 20;
    /** metadata.yaml comes first in tarballs made by LXD, Incus and distrobuilder; stop looking after this. */
    private static final long MAX_SCANNED_BYTES = 64L << 20;
    private static final int MAX_ENTRIES = 10_000;
    private static final int XZ_MEMORY_LIMIT_KIB = 128 * 1024;


    private MetadataReader() {
    }

    /** metadata.yaml from the first bytes of a tarball; the rest is not read (a unified tarball can be gigabytes). */
    public static ImageMetadata read(InputStream raw) throws MetadataException, IOException {
        return read(raw, false);
    }

    /**
     * metadata.yaml from a split image's metadata tarball, reading the whole archive: the compression
     * checksums come at its end, so only this notices a file cut short (an interrupted copy) or damaged
     * after metadata.yaml. Metadata tarballs are small; one beyond the scan bound is refused.
     */
    public static ImageMetadata readWhole(InputStream raw) throws MetadataException, IOException {
        return read(raw, true);
    }

    private static ImageMetadata read(InputStream raw, boolean whole) throws MetadataException, IOException {
        InputStream buffered = new BufferedInputStream(raw, 8192);
        InputStream tarStream = decompress(buffered);
        boolean checksummed = tarStream != buffered;
        BoundedInputStream decompressed = BoundedInputStream.builder()
                .setInputStream(tarStream)
                .setMaxCount(MAX_SCANNED_BYTES)
                .get();
        ImageMetadata found = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            TarArchiveEntry entry;
            int entries = 0;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    break;
                }
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (name.equals("metadata.yaml") && found == null) {
                    if (!entry.isFile() || entry.getSize() > MAX_YAML_BYTES) {
                        throw new MetadataException("metadata.yaml is not a regular file of at most 1 MiB");
                    }
                    found = parseYaml(tar.readNBytes(MAX_YAML_BYTES));
                    if (!whole) {
                        return found;
                    }
                    if (checksummed) {
                        // The rest is verified by the compression's checksum, read below; a plain tar has none,
                        // and only walking its headers to the end tells that it is whole.
                        break;
                    }
                }
            }
            if (whole && found != null) {
                // Past the tar end-of-archive blocks to the end of the compressed stream, where xz and gzip
                // verify their checksums and lengths.
                decompressed.transferTo(OutputStream.nullOutputStream());
                if (decompressed.getCount() >= MAX_SCANNED_BYTES) {
                    throw new MetadataException("larger than " + (MAX_SCANNED_BYTES >> 20)
                            + " MiB uncompressed, which no metadata tarball is");
                }
                return found;
            }
        } catch (IOException | IllegalArgumentException e) {
            // commons-compress reports corrupt headers as IllegalArgumentException.
            throw new MetadataException("not a readable tar.xz/tar.gz/tar archive: " + e.getMessage(), e);
        }
        throw new MetadataException("no metadata.yaml at the start of the tarball");
    }

    private static InputStream decompress(InputStream in) throws IOException, MetadataException {
        in.mark(6);
        byte[] magic = in.readNBytes(6);
        in.reset();
        try {
            if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z'
                    && magic[3] == 'X' && magic[4] == 'Z' && magic[5] == 0) {
                // The dictionary the header asks for (8 MiB for xz's default preset) is allocated per stream; the
                // shared cache reuses it across the thousands of small tarballs a rescan reads, and the memory
                // limit refuses streams that would need absurd amounts.
                return new XZInputStream(in, XZ_MEMORY_LIMIT_KIB, true, BasicArrayCache.getInstance());
            }
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                // The JDK's reader: less code for a cold first pass to compile than Commons Compress's, and it reads
                // concatenated members, as gzip and the clients' Go reader do.
                return new GZIPInputStream(in, 8192);
            }
        } catch (IOException e) {
            throw new MetadataException("corrupt compressed stream: " + e.getMessage(), e);
        }
        return in;
    }

    static ImageMetadata parseYaml(byte[] yaml) throws MetadataException {
        ImageMetadata plain = PlainMetadataYaml.read(yaml);
        return plain != null ? plain : parseAnyYaml(yaml);
    }

    /** metadata.yaml through the general YAML parser: any form, and the reason when it cannot be read. */
    static ImageMetadata parseAnyYaml(byte[] yaml) throws MetadataException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new MetadataException("metadata.yaml is not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MetadataException("metadata.yaml cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MetadataException("metadata.yaml is not a YAML mapping");
        }
        JsonNode arch = root.get("architecture");
        if (arch == null || !arch.isValueNode() || arch.asText().isEmpty()) {
            throw new MetadataException("metadata.yaml has no 'architecture'");
        }
        JsonNode created = root.get("creation_date");
        long creationDate = created != null && created.canConvertToLong() ? created.asLong() : 0L;
        Map<String, String> properties = new TreeMap<>();
        JsonNode props = root.get("properties");
        if (props != null && props.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = props.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isValueNode()) {
                    properties.put(field.getKey(), field.getValue().asText());
                }
            }
        }
        return new ImageMetadata(arch.asText(), creationDate, Map.copyOf(properties));
    }
}
