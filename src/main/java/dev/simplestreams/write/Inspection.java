package dev.simplestreams.write;

import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.catalog.ContentCheck;
import dev.simplestreams.catalog.ContentException;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.ImageFile;
import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.Overrides;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Checks an upload's bytes against what its name says while they stream in, so that a file the indexer would
 * leave out (or worse, publish and a host fail on) is refused before anything is stored: root files and deltas
 * by their first and last bytes, tarballs by their metadata.yaml (read on a thread of its own) and its
 * architecture against the directory, metadata.json by parsing it. Memory is bounded: a head of the file, or
 * metadata.json's 64 KiB.
 */
final class Inspection implements AutoCloseable {

    private static final Future<?> DONE = CompletableFuture.completedFuture(null);
    private static final String NOTHING_STORED = "; nothing was stored";

    private final ImageFile file;
    private final ContentCheck content;
    private final TarballThread tarball;
    private final ByteArrayOutputStream json;

    private Inspection(ImageFile file) {
        this.file = file;
        FileKind kind = file.kind();
        this.content = ContentCheck.covers(kind) ? ContentCheck.of(kind) : null;
        this.tarball = kind == FileKind.METADATA || kind == FileKind.UNIFIED
                ? new TarballThread(kind == FileKind.METADATA) : null;
        this.json = kind == FileKind.METADATA_JSON ? new ByteArrayOutputStream() : null;
    }

    static Inspection of(ImageFile file) {
        return new Inspection(file);
    }

    /** Hands over the next bytes; the buffer may be refilled once the returned future is done. */
    Future<?> update(byte[] buffer, int length) {
        if (content != null) {
            content.update(buffer, 0, length);
        }
        if (json != null && json.size() <= Overrides.MAX_BYTES) {
            json.write(buffer, 0, Math.min(length, Overrides.MAX_BYTES + 1 - json.size()));
        }
        return tarball == null ? DONE : tarball.update(buffer, length);
    }

    /** The tarball's metadata.yaml (null for other kinds), once every byte was handed over. */
    ImageMetadata finish() throws WriteException, IOException {
        String name = file.name();
        try {
            if (content != null) {
                content.verify();
            }
            if (json != null) {
                Overrides.parseStrict(json.toByteArray());
            }
            if (tarball == null) {
                return null;
            }
            ImageMetadata metadata = tarball.finish();
            String directoryArch = file.version().product().arch();
            if (!Architectures.same(metadata.architecture(), directoryArch)) {
                throw WriteException.invalid(name + ": metadata.yaml says architecture '" + metadata.architecture()
                        + "' but the directory says '" + directoryArch + "'; upload it under "
                        + Architectures.directoryName(metadata.architecture()).orElse(metadata.architecture())
                        + "/ or fix metadata.yaml" + NOTHING_STORED);
            }
            return metadata;
        } catch (ContentException e) {
            throw WriteException.invalid(name + " " + e.getMessage() + NOTHING_STORED);
        } catch (MetadataException e) {
            // metadata.json's own messages name the file already.
            throw WriteException.invalid((json != null ? "" : name + ": ") + e.getMessage() + NOTHING_STORED);
        }
    }

    @Override
    public void close() {
        if (tarball != null) {
            tarball.close();
        }
    }
}
