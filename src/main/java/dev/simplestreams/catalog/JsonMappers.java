package dev.simplestreams.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Jackson mappers the server reads and writes JSON and YAML with, configured here once and shared (a mapper
 * is thread-safe once configured; none is reconfigured after this class is loaded).
 */
public final class JsonMappers {

    /** Jackson's defaults: catalog documents, status answers and the state files only this version reads. */
    public static final ObjectMapper JSON = new ObjectMapper();
    /**
     * For state that replicas of other versions write and read too (the hash cache, change notes): a field a
     * newer version added must not stop an older one during a rolling update.
     */
    public static final ObjectMapper TOLERANT_JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** metadata.yaml, read as a tree. */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private JsonMappers() {
    }
}
