package dev.simplestreams.access;

import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.catalog.ProductKey;
import java.util.Set;

/**
 * Products by their four names; an empty set matches any value. An architecture matches under either of its
 * names ({@code amd64} and {@code x86_64}), as the directory may use one and the catalogue the other.
 */
record ImageFilter(Set<String> os, Set<String> release, Set<String> arch, Set<String> variant) {

    boolean matches(ProductKey product) {
        return (os.isEmpty() || os.contains(product.os()))
                && (release.isEmpty() || release.contains(product.release()))
                && (arch.isEmpty() || arch.stream().anyMatch(a -> Architectures.same(a, product.arch())))
                && (variant.isEmpty() || variant.contains(product.variant()));
    }
}
