package dev.simplestreams.page;

import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Version;
import java.util.Collection;

/** Container, virtual machine or both, from the root files a version (or any version of a product) has. */
enum ImageType {
    NONE(""), CONTAINER("container"), VM("VM"), BOTH("container, VM");

    private final String label;

    ImageType(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static ImageType of(Version version) {
        boolean container = false;
        boolean vm = false;
        for (Item item : version.items().values()) {
            switch (item.ftype()) {
                case "squashfs", "root.tar.xz", "lxd_combined.tar.gz", "incus_combined.tar.gz" -> container = true;
                case "disk-kvm.img" -> vm = true;
                default -> {
                    // metadata tarballs and deltas say nothing about the kind
                }
            }
        }
        return container && vm ? BOTH : container ? CONTAINER : vm ? VM : NONE;
    }

    static ImageType of(Collection<Version> versions) {
        ImageType all = NONE;
        for (Version version : versions) {
            all = all.and(of(version));
        }
        return all;
    }

    private ImageType and(ImageType other) {
        boolean container = this == CONTAINER || this == BOTH || other == CONTAINER || other == BOTH;
        boolean vm = this == VM || this == BOTH || other == VM || other == BOTH;
        return container && vm ? BOTH : container ? CONTAINER : vm ? VM : NONE;
    }
}
