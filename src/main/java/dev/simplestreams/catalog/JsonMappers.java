package dev.simplestreams.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
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
    /**
     * metadata.yaml and MIRROR_CONFIG, read as trees. An unquoted {@code release: 20.10} or {@code 3.20} is a YAML
     * float: kept as the decimal it was written as, so its text is "20.10", not the double's "20.1".
     */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    /**
     * Binds configuration trees (the two mappers above read them) to records. What a person wrote wrongly is refused
     * rather than guessed: a key the record lacks, a number or true where a string belongs, "2" or 2.5 for a whole
     * number, "true" or 1 for a boolean.
     */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    private JsonMappers() {
    }
}
