package dev.simplestreams.write;

import dev.simplestreams.access.WriteScope;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.ImageFile;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.indexer.Indexing;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StorageFullException;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The files of one request, stored one after another as they stream in. Each is visible and indexed as soon
 * as it is complete, so a failure later in the request loses nothing already stored, and the catalogue is
 * current when the request is answered.
 *
 * <p>A name is relative to {@code images/}. A bare metadata or unified tarball name is placed by the tarball's
 * metadata.yaml; any other bare name goes into the version directory of the file before it.
 */
public final class UploadBatch {

    private static final Logger LOG = Logger.getLogger(UploadBatch.class.getName());
    private static final String EXAMPLE_DIRECTORY = "ubuntu/jammy/amd64/default/20261125_14:05/";

    private record Target(ImageFile file, InputStream content, String note) {
    }

    /** The digest state after a version's metadata tarball, ready to be continued by a root file. */
    private record MetadataPrefix(String sha256, MessageDigest state) {
    }

    private final ImageStore store;
    private final Committer committer;
    private final Indexing indexer;
    private final UploadPolicy policy;
    private final WriteScope scope;
    private final List<StoredResult> files = new ArrayList<>();
    private final Set<VersionKey> touched = new LinkedHashSet<>();
    private VersionKey current;
    private PublishedCatalog catalog;
    private String refreshFailure;

    UploadBatch(ImageStore store, Committer committer, Indexing indexer, UploadPolicy policy, WriteScope scope) {
        this.store = store;
        this.scope = scope;
        this.committer = committer;
        this.indexer = indexer;
        this.policy = policy;
    }

    /**
     * Stores one file. {@code expectedLength} is the announced size, or -1. Read failures of {@code content}
     * propagate as they are; nothing of this file is kept then.
     */
    public StoredResult store(String name, InputStream content, long expectedLength)
            throws WriteException, IOException {
        Target target = target(name, content);
        ImageFile file = target.file();
        StoredResult result;
        try (ImageStore.PendingFile pending = store.create(file.path());
                Inspection inspection = Inspection.of(file)) {
            MetadataPrefix prefix = file.kind().isRoot() ? metadataPrefix(file.version()) : null;
            Ingest.Digested digested = Ingest.copy(target.content(), pending, prefix == null ? null : prefix.state(),
                    policy.maxUploadBytes(), expectedLength, inspection);
            Committer.Committed committed = committer.commit(file.path(), pending, new Committer.Facts(
                    digested.size(), digested.sha256(), prefix == null ? null : prefix.sha256(), digested.combined(),
                    digested.metadata()), scope);
            result = describe(file, committed, digested.sha256(), target.note());
        } catch (UnsafePathException e) {
            throw WriteException.invalid("'" + name + "': " + e.getMessage());
        } catch (StorageFullException e) {
            throw WriteException.storageFull(file.path(), e);
        }
        LOG.info(() -> "upload " + result.result().name().toLowerCase(Locale.ROOT) + ": " + result.path() + " ("
                + result.size() + " bytes, sha256 " + result.sha256() + ")");
        files.add(result);
        current = file.version();
        refresh(file.version());
        return result;
    }

    /** What was stored so far and the state of each version touched. */
    public UploadReport report() {
        List<VersionState> versions = new ArrayList<>();
        for (VersionKey key : touched) {
            versions.add(refreshFailure == null ? VersionState.of(catalog, key) : VersionState.unknown(key,
                    "stored, but the catalogue could not be rewritten (" + refreshFailure
                    + "); the indexer keeps retrying"));
        }
        return new UploadReport(List.copyOf(files), versions);
    }

    private Target target(String name, InputStream content) throws WriteException, IOException {
        if (name == null || name.isBlank()) {
            throw WriteException.invalid("a file was sent without a file name; name each one relative to images/, "
                    + "e.g. curl -F 'file=@meta.tar.xz;filename=" + EXAMPLE_DIRECTORY + "lxd.tar.xz'");
        }
        if (name.contains("/")) {
            return new Target(parse(name, Layout.IMAGES + "/" + name), content, null);
        }
        FileKind kind = FileKind.recognise(name).map(FileKind.Recognised::kind).orElseThrow(() ->
                WriteException.invalid("'" + name + "' is not a known image file name; use one of: "
                        + FileKind.describeAccepted()));
        if (kind == FileKind.METADATA || kind == FileKind.UNIFIED) {
            TarballHead.Peeked peeked = TarballHead.read(name, content);
            VersionKey version = Placement.of(peeked.metadata());
            return new Target(parse(name, version.file(name)), peeked.content(), "placed by its metadata.yaml");
        }
        if (current == null) {
            throw WriteException.invalid("'" + name + "' names no directory and no metadata tarball came before it "
                    + "in this request; send lxd.tar.xz first in the same request, or name the directory, "
                    + "e.g. filename=" + EXAMPLE_DIRECTORY + name);
        }
        return new Target(parse(name, current.file(name)), content,
                "placed with the file sent before it in this request");
    }

    private static ImageFile parse(String name, String path) throws WriteException {
        try {
            return Layout.parseFile(path);
        } catch (LayoutException e) {
            throw WriteException.invalid("'" + name + "': " + e.getMessage()
                    + (name.startsWith("/") ? "; file names are relative to images/, without a leading '/'" : ""));
        }
    }

    /** The metadata tarball the indexer pairs root files with: the first by name, as in the catalogue. */
    private MetadataPrefix metadataPrefix(VersionKey version) throws IOException, UnsafePathException {
        Optional<StoredFile> metadata = store.list(version.directory()).stream()
                .filter(f -> f.parent().equals(version.directory()))
                .filter(f -> FileKind.recognise(f.name()).filter(r -> r.kind() == FileKind.METADATA).isPresent())
                .min(Comparator.comparing(StoredFile::name));
        if (metadata.isEmpty()) {
            return null;
        }
        MessageDigest state = Committer.digest(store, metadata.get().path());
        return new MetadataPrefix(Sha256.hex(Sha256.copy(state)), state);
    }

    private StoredResult describe(ImageFile file, Committer.Committed committed, String sha256,
            String placement) {
        StoredFile stored = committed.file();
        if (committed.outcome() == FileOutcome.STORED_ASIDE) {
            return new StoredResult(stored.path(), stored.size(), sha256, committed.outcome(), file.path(),
                    policy.storedAsideNote(file.path(), stored.name(), placement));
        }
        return new StoredResult(stored.path(), stored.size(), sha256, committed.outcome(), null, placement);
    }

    private void refresh(VersionKey version) {
        touched.add(version);
        try {
            catalog = indexer.refreshNow(version);
            refreshFailure = null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "indexing " + version + " after an upload failed; a full rescan will follow", e);
            indexer.requestRescan();
            refreshFailure = e.getMessage();
        }
    }
}
