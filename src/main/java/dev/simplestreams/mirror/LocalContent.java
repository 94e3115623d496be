package dev.simplestreams.mirror;

import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * This server's own content as the planner sees it for one remote: what is on disk (uploads not indexed yet
 * count too) and the aliases of the published catalogue. Anything the remote did not write is foreign.
 */
final class LocalContent implements Planner.Local {

    private final ImageStore store;
    private final MirrorState state;
    private final PublishedCatalog catalog;
    private final String remote;

    LocalContent(ImageStore store, MirrorState state, PublishedCatalog catalog, String remote) {
        this.store = store;
        this.state = state;
        this.catalog = catalog;
        this.remote = remote;
    }

    @Override
    public boolean hasForeignContent(ProductKey product) {
        try {
            for (StoredFile file : store.list(product.directory())) {
                if (!remote.equals(state.owner(file.parent()))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            // Unknown is treated as local: the mirror never risks overwriting an upload.
            return true;
        }
    }

    @Override
    public Optional<String> foreignAliasOwner(String alias, String arch) {
        String kernelArch = Architectures.kernelName(arch).orElse(arch);
        for (Map.Entry<String, Product> entry : catalog.products().entrySet()) {
            Product product = entry.getValue();
            boolean sameArch = kernelArch.equals(Architectures.kernelName(product.arch()).orElse(product.arch()));
            boolean ours = product.versions().values().stream().map(Version::origin).allMatch(remote::equals);
            if (sameArch && !ours && Arrays.asList(product.aliases().split(",")).contains(alias)) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }
}
