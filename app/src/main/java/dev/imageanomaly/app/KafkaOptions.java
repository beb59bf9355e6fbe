package dev.imageanomaly.app;

import dev.imageanomaly.schemas.SchemaRegistrySettings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the Kafka clients connect, and how: the brokers, the Confluent-API schema registry, and a
 * client configuration file for everything else (TLS, SASL, registry credentials), read with the
 * keys Kafka's and Confluent's own clients use, so an existing client.properties works as it is.
 */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "default: ${DEFAULT-VALUE}")
    String bootstrapServers;

    @Option(names = "--registry", defaultValue = "http://localhost:8081/apis/ccompat/v7",
            description = "Confluent-API schema registry URL (default: ${DEFAULT-VALUE})")
    String registry;

    @Option(names = "--client-config", paramLabel = "FILE", description = {
        "Kafka client settings (security.protocol, sasl.*, ssl.*) and registry settings",
        "(basic.auth.credentials.source, basic.auth.user.info, schema.registry.ssl.truststore.*), as properties"})
    Path clientConfig;

    /** Settings of the Kafka producer or consumer: the brokers plus every Kafka key of the client configuration. */
    Map<String, Object> kafkaClient() {
        Map<String, Object> config = new HashMap<>();
        fileSettings().forEach((key, value) -> {
            if (!isRegistryKey(key)) {
                config.put(key, value);
            }
        });
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** How to reach the registry: its URL plus the registry keys of the client configuration. */
    SchemaRegistrySettings registry() {
        Map<String, Object> config = new HashMap<>();
        fileSettings().forEach((key, value) -> {
            if (isRegistryKey(key)) {
                config.put(key, value);
            }
        });
        config.put(SchemaRegistrySettings.URL, registry);
        return SchemaRegistrySettings.fromConfig(config);
    }

    private static boolean isRegistryKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.");
    }

    private Map<String, String> fileSettings() {
        Map<String, String> settings = new HashMap<>();
        if (clientConfig != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(clientConfig)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read client configuration " + clientConfig, e);
            }
            p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).trim()));
        }
        return settings;
    }
}
