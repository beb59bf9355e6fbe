package dev.imageanomaly.embedded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * A Kafka broker and a schema registry, started in parallel, closed together. For the one-command
 * demo and integration tests:
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.start()) {
 *     props.put("bootstrap.servers", stack.bootstrapServers());
 *     props.put("schema.registry.url", stack.schemaRegistryUrl());
 * }
 * }</pre>
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    public static EmbeddedStack start() {
        return start(EmbeddedKafka.Settings.defaults(), EmbeddedRegistry.Settings.defaults());
    }

    /** Starts both servers in parallel; if either fails, the other is closed and the failure rethrown. */
    public static EmbeddedStack start(EmbeddedKafka.Settings kafkaSettings, EmbeddedRegistry.Settings registrySettings) {
        CompletableFuture<EmbeddedRegistry> registry = CompletableFuture.supplyAsync(() -> EmbeddedRegistry.start(registrySettings));
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(kafkaSettings);
        } catch (RuntimeException e) {
            registry.thenAccept(EmbeddedRegistry::close);
            throw e;
        }
        try {
            return new EmbeddedStack(kafka, registry.join());
        } catch (CompletionException e) {
            kafka.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Confluent-compatible registry URL, for {@code schema.registry.url}. */
    public String schemaRegistryUrl() {
        return registry.url();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            registry.close();
        }
    }

    /** Runs the stack until ctrl-C, printing where to connect. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedStack stack = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "embedded-stack-stop"));
        System.out.println("bootstrap.servers=" + stack.bootstrapServers());
        System.out.println("schema.registry.url=" + stack.schemaRegistryUrl());
        System.out.println("(ctrl-C to stop)");
        stopped.await();
    }
}
