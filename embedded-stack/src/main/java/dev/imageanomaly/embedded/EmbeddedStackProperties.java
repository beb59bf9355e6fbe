package dev.imageanomaly.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Build-time facts (versions, where Maven put the registry archive) from the filtered embedded-stack.properties. */
final class EmbeddedStackProperties {

    private static final Properties PROPERTIES = load();

    private EmbeddedStackProperties() {
    }

    static String get(String key) {
        String value = PROPERTIES.getProperty(key);
        if (value == null || value.contains("${")) {
            throw new IllegalStateException("embedded-stack.properties lacks a filtered value for " + key
                    + " (was the module built with Maven?)");
        }
        return value;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = EmbeddedStackProperties.class.getResourceAsStream("embedded-stack.properties")) {
            if (in == null) {
                throw new IllegalStateException("embedded-stack.properties is missing from the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
