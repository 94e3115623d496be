package dev.simplestreams.catalog;

import java.util.Map;

/** What an image's own {@code metadata.yaml} says about it. */
public record ImageMetadata(String architecture, long creationDate, Map<String, String> properties) {

    public String property(String name) {
        return properties.get(name);
    }
}
