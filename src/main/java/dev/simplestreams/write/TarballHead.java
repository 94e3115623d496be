package dev.simplestreams.write;

import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.MetadataReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Reads metadata.yaml from the first bytes of an uploaded tarball without consuming them, so an image can be
 * placed before a byte is written. LXD, Incus and distrobuilder put metadata.yaml first; the look-ahead is
 * bounded, like the copy buffer, so nothing large is ever held in memory.
 */
final class TarballHead {

    static final int LOOK_AHEAD = 1 << 20;

    /** {@code content} yields every byte of the upload, from the first. */
    record Peeked(InputStream content, ImageMetadata metadata) {
    }

    private TarballHead() {
    }

    static Peeked read(String name, InputStream upload) throws IOException, WriteException {
        BufferedInputStream buffered = new BufferedInputStream(upload, LOOK_AHEAD);
        buffered.mark(LOOK_AHEAD);
        ImageMetadata metadata;
        try {
            metadata = MetadataReader.read(BoundedInputStream.builder()
                    .setInputStream(buffered)
                    .setMaxCount(LOOK_AHEAD)
                    .setPropagateClose(false)
                    .get());
        } catch (MetadataException e) {
            throw WriteException.invalid("'" + name + "' names no directory, so it is placed by its metadata.yaml, "
                    + "which must be within the first MiB of the tarball: " + e.getMessage()
                    + "; or name the directory, e.g. filename=ubuntu/jammy/amd64/default/20261125_14:05/" + name);
        }
        buffered.reset();
        return new Peeked(buffered, metadata);
    }
}
