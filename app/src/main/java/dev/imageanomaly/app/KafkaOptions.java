package dev.imageanomaly.app;

import picocli.CommandLine.Option;

/** Where the Kafka clients connect: the brokers and the Confluent-API schema registry. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "default: ${DEFAULT-VALUE}")
    String bootstrapServers;

    @Option(names = "--registry", defaultValue = "http://localhost:8081/apis/ccompat/v7",
            description = "Confluent-API schema registry URL (default: ${DEFAULT-VALUE})")
    String registry;
}
