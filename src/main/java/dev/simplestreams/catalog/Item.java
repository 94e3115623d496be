package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One downloadable file of a version, as clients decode it ({@code size} must be an integer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public record Item(
        String ftype,
        String path,
        long size,
        String sha256,
        @JsonProperty("combined_squashfs_sha256") String combinedSquashfsSha256,
        @JsonProperty("combined_rootxz_sha256") String combinedRootxzSha256,
        @JsonProperty("combined_sha256") String combinedSha256,
        @JsonProperty("combined_disk-kvm-img_sha256") String combinedDiskKvmImgSha256,
        @JsonProperty("delta_base") String deltaBase) {

    public static Item file(String ftype, String path, long size, String sha256) {
        return new Item(ftype, path, size, sha256, null, null, null, null, null);
    }

    public Item withFtype(String newFtype) {
        return new Item(newFtype, path, size, sha256, combinedSquashfsSha256, combinedRootxzSha256, combinedSha256,
                combinedDiskKvmImgSha256, deltaBase);
    }

    public Item withDeltaBase(String base) {
        return new Item(ftype, path, size, sha256, combinedSquashfsSha256, combinedRootxzSha256, combinedSha256,
                combinedDiskKvmImgSha256, base);
    }

    /** Records the fingerprint of the image this metadata item forms with a root of the given ftype. */
    public Item withCombined(String rootFtype, String combined) {
        return switch (rootFtype) {
            case Ftypes.SQUASHFS -> new Item(ftype, path, size, sha256, combined, combinedRootxzSha256, combinedSha256,
                    combinedDiskKvmImgSha256, deltaBase);
            // Older clients read only combined_sha256 for root.tar.xz images.
            case Ftypes.ROOT_TAR_XZ -> new Item(ftype, path, size, sha256, combinedSquashfsSha256, combined, combined,
                    combinedDiskKvmImgSha256, deltaBase);
            case Ftypes.DISK_KVM_IMG -> new Item(ftype, path, size, sha256, combinedSquashfsSha256, combinedRootxzSha256,
                    combinedSha256, combined, deltaBase);
            default -> throw new IllegalArgumentException("not a root ftype: " + rootFtype);
        };
    }
}
