package dev.imageanomaly.schemas;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** The configuration keys of the Confluent-format serdes, named as Confluent's own serdes name them. */
public final class ConfluentAvroSerdeConfig {

    /** Base URL of the registry's Confluent API. A comma-separated list is accepted; the first URL is used. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Serializer: register the record's schema under the subject if it is not there (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /**
     * Deserializer: fully qualified name of the generated class to read into. Without it, the class
     * is found from the writer schema's full name.
     */
    public static final String READER_CLASS = "avro.reader.class";

    private ConfluentAvroSerdeConfig() {
    }

    static String registryUrl(Map<String, ?> configs) {
        Object value = configs.get(SCHEMA_REGISTRY_URL);
        if (value == null || value.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required by the Confluent Avro serdes");
        }
        return value.toString().split(",")[0].trim();
    }

    static boolean autoRegister(Map<String, ?> configs) {
        Object value = configs.get(AUTO_REGISTER_SCHEMAS);
        return value == null || Boolean.parseBoolean(value.toString().trim());
    }

    static String readerClass(Map<String, ?> configs) {
        Object value = configs.get(READER_CLASS);
        if (value instanceof Class<?> type) {
            return type.getName();
        }
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    /** TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
