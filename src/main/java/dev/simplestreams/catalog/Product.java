package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.SortedMap;

/**
 * A product of images.json. {@code aliases} is one comma-separated string because that is what the
 * clients decode; an array makes the whole remote unusable. {@code description} is not read by clients.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public record Product(
        String aliases,
        String arch,
        String os,
        String release,
        @JsonProperty("release_title") String releaseTitle,
        String variant,
        String description,
        SortedMap<String, Version> versions) {

    public Product withAliases(String newAliases) {
        return new Product(newAliases, arch, os, release, releaseTitle, variant, description, versions);
    }
}
