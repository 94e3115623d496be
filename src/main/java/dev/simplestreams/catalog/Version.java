package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.SortedMap;

/**
 * One published version of a product. {@code fingerprints} is not part of the JSON: it is what clients
 * will compute from the items, kept for uniqueness checks, the page and upload responses. {@code origin} is
 * the mirror remote the version came from, or null for one put into the tree here (uploaded or copied).
 */
public record Version(SortedMap<String, Item> items, @JsonIgnore List<String> fingerprints,
        @JsonIgnore String origin) {
}
