package dev.imageanomaly.schemas;

import java.util.Map;

/**
 * The configuration keys of the Confluent-format serdes, named as Confluent's own serdes name them;
 * how to reach the registry (URL, basic auth, TLS) is {@link SchemaRegistrySettings}'s.
 */
public final class ConfluentAvroSerdeConfig {

    /** Base URL of the registry's Confluent API. A comma-separated list is accepted; the first URL is used. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistrySettings.URL;
    /** Serializer: register the record's schema under the subject if it is not there (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /**
     * Deserializer: fully qualified name of the generated class to read into. Without it, the class
     * is found from the writer schema's full name.
     */
    public static final String READER_CLASS = "avro.reader.class";

    private ConfluentAvroSerdeConfig() {
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
