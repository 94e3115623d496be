package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.SortedMap;

/** The body of {@code streams/v1/images.json}. */
@JsonPropertyOrder(alphabetic = true)
public record Products(
        @JsonProperty("content_id") String contentId,
        String datatype,
        String format,
        SortedMap<String, Product> products,
        String updated) {

    public static final String CONTENT_ID = "images";
    public static final String DATATYPE = "image-downloads";
    public static final String FORMAT = "products:1.0";

    public static Products of(SortedMap<String, Product> products, String updated) {
        return new Products(CONTENT_ID, DATATYPE, FORMAT, products, updated);
    }
}
