package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * index.json and images.json decoded the way the LXD and Incus clients decode them: into the same
 * structs as {@code shared/simplestreams/{index,products}.go}, with Go {@code encoding/json} rules. Unknown
 * keys are ignored, but a value of the wrong JSON type fails the whole document, which in the client means
 * the whole remote fails. Decoding our output with this is how the tests find such mismatches.
 */
public final class GoJson {

    private static final ObjectMapper GO = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Go never turns "5" into an int64, 1.5 into an int64 or 5 into a string.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Array, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail))
            .build();

    private GoJson() {
    }

    /** {@code Stream} of index.go. */
    public record Stream(String format, Map<String, StreamIndex> index, String updated) {
    }

    /** {@code StreamIndex} of index.go. */
    public record StreamIndex(String datatype, String path, String format, List<String> products, String updated) {
    }

    /** {@code Products} of products.go. */
    public record Products(@JsonProperty("content_id") String contentId, String datatype, String format,
            Map<String, Product> products, String updated) {
    }

    /** {@code Product} of products.go. */
    public record Product(String aliases, String arch, String os, String release,
            @JsonProperty("release_title") String releaseTitle, String variant, Map<String, String> requirements,
            @JsonProperty("lxd_requirements") Map<String, String> lxdRequirements,
            @JsonProperty("support_eol") String supportEol, @JsonProperty("release_codename") String releaseCodename,
            Boolean supported, Map<String, ProductVersion> versions) {
    }

    /** {@code ProductVersion} of products.go. */
    public record ProductVersion(Map<String, ProductVersionItem> items) {
    }

    /** {@code ProductVersionItem} of products.go. */
    public record ProductVersionItem(
            String ftype,
            String path,
            long size,
            String sha256,
            @JsonProperty("combined_squashfs_sha256") String combinedSquashfsSha256,
            @JsonProperty("combined_rootxz_sha256") String combinedRootxzSha256,
            @JsonProperty("combined_sha256") String combinedSha256,
            @JsonProperty("combined_disk-kvm-img_sha256") String combinedDiskKvmImgSha256,
            @JsonProperty("delta_base") String deltaBase) {
    }

    public static Stream index(byte[] json) throws IOException {
        return GO.readValue(json, Stream.class);
    }

    public static Products images(byte[] json) throws IOException {
        return GO.readValue(json, Products.class);
    }
}
