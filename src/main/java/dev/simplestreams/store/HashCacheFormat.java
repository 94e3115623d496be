package dev.simplestreams.store;

import dev.simplestreams.catalog.ImageMetadata;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The saved hash cache in a compact binary form: parsing it as JSON was a large part of a restart before its
 * first pass could publish (figures in bench/RESULTS.md). Strings are length-prefixed UTF-8, numbers fixed
 * width; a flags byte says which optional fields follow. A file that does not parse is an IOException.
 */
final class HashCacheFormat {

    private static final int MAGIC = 0x53534843; // "SSHC"
    private static final int VERSION = 1;
    private static final int COMBINED_WITH = 1;
    private static final int COMBINED = 2;
    private static final int METADATA = 4;
    private static final int CONTENT_CHECKED = 8;
    /** Two empty strings' lengths, size, modification time and flags. */
    private static final int MIN_ENTRY_BYTES = 4 + 8 + 8 + 4 + 1;

    private HashCacheFormat() {
    }

    static byte[] write(Map<String, HashCache.Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.size() * 192 + 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(entries.size());
            for (Map.Entry<String, HashCache.Entry> e : entries.entrySet()) {
                HashCache.Entry entry = e.getValue();
                string(out, e.getKey());
                out.writeLong(entry.size());
                out.writeLong(entry.modified());
                string(out, entry.sha256());
                out.writeByte((entry.combinedWith() == null ? 0 : COMBINED_WITH)
                        | (entry.combined() == null ? 0 : COMBINED) | (entry.metadata() == null ? 0 : METADATA)
                        | (entry.contentChecked() ? CONTENT_CHECKED : 0));
                if (entry.combinedWith() != null) {
                    string(out, entry.combinedWith());
                }
                if (entry.combined() != null) {
                    string(out, entry.combined());
                }
                if (entry.metadata() != null) {
                    ImageMetadata metadata = entry.metadata();
                    string(out, metadata.architecture());
                    out.writeLong(metadata.creationDate());
                    out.writeInt(metadata.properties().size());
                    for (Map.Entry<String, String> property : metadata.properties().entrySet()) {
                        string(out, property.getKey());
                        string(out, property.getValue());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    static Map<String, HashCache.Entry> read(byte[] saved) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(saved);
        try {
            if (in.getInt() != MAGIC || in.getInt() != VERSION) {
                throw new IOException("not a hash cache of this version");
            }
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / MIN_ENTRY_BYTES) {
                throw new IOException("damaged: " + count + " entries in " + saved.length + " bytes");
            }
            Map<String, HashCache.Entry> entries = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
            for (int i = 0; i < count; i++) {
                String path = string(in);
                long size = in.getLong();
                long modified = in.getLong();
                String sha256 = string(in);
                int flags = in.get();
                String combinedWith = (flags & COMBINED_WITH) != 0 ? string(in) : null;
                String combined = (flags & COMBINED) != 0 ? string(in) : null;
                ImageMetadata metadata = (flags & METADATA) != 0 ? metadata(in) : null;
                entries.put(path, new HashCache.Entry(size, modified, sha256, combinedWith, combined, metadata,
                        (flags & CONTENT_CHECKED) != 0));
            }
            if (in.hasRemaining()) {
                throw new IOException(in.remaining() + " bytes after the last entry");
            }
            return entries;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("cut short or damaged", e);
        }
    }

    private static ImageMetadata metadata(ByteBuffer in) {
        String architecture = string(in);
        long creationDate = in.getLong();
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) {
            throw new IllegalArgumentException("property count " + count);
        }
        Map<String, String> properties = new HashMap<>(count * 4 / 3 + 1);
        for (int i = 0; i < count; i++) {
            properties.put(string(in), string(in));
        }
        return new ImageMetadata(architecture, creationDate, Map.copyOf(properties));
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("string length " + length);
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }
}
