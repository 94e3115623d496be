package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.SortedMap;

/**
 * A product of images.json. {@code aliases} is one comma-separated string because that is what the
 * clients decode; an array makes the whole remote unusable. {@code description} is not read by clients.
 * {@code requirements} is published twice: LXD reads only {@code lxd_requirements}, Incus only
 * {@code requirements}; both turn them into the image's {@code requirements.*} properties, and
 * {@code support_eol} into its expiry date.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
@JsonIgnoreProperties(value = "lxd_requirements", allowGetters = true)
public record Product(
        String aliases,
        String arch,
        String os,
        String release,
        @JsonProperty("release_title") String releaseTitle,
        @JsonProperty("release_codename") String releaseCodename,
        String variant,
        String description,
        SortedMap<String, String> requirements,
        @JsonProperty("support_eol") String supportEol,
        Boolean supported,
        SortedMap<String, Version> versions) {

    @JsonProperty("lxd_requirements")
    public SortedMap<String, String> lxdRequirements() {
        return requirements;
    }

    public Product withAliases(String newAliases) {
        return new Product(newAliases, arch, os, release, releaseTitle, releaseCodename, variant, description,
                requirements, supportEol, supported, versions);
    }

    public Product withVersions(SortedMap<String, Version> newVersions) {
        return new Product(aliases, arch, os, release, releaseTitle, releaseCodename, variant, description,
                requirements, supportEol, supported, newVersions);
    }
}
