package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.SchemaRegistryClient;
import dev.imageanomaly.schemas.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the scorer can reach what it needs, for {@code /health/ready} and the metrics: the schema
 * registry (told by the registry client whenever a call waits or gets an answer) and the Kafka
 * brokers (asked every few seconds). While either is away the scorer waits rather than dead-letters,
 * and says it is not ready; it says so once in the log when it goes and once when it comes back.
 */
final class Reachability implements SchemaRegistryClient.Availability, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reachability.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

    private final ScorerMetrics metrics;
    private volatile boolean registryUp = true;
    private volatile boolean brokersUp = true;
    private ScheduledExecutorService probe;
    private Admin admin;

    Reachability(ScorerMetrics metrics) {
        this.metrics = metrics;
        metrics.registerGauge("scorer_schema_registry_up", "1 while the schema registry answers, 0 while calls wait for it",
                () -> registryUp ? 1 : 0);
        metrics.registerGauge("scorer_kafka_brokers_up", "1 while the Kafka cluster answers, 0 while it does not",
                () -> brokersUp ? 1 : 0);
    }

    /** Starts asking the brokers, with the same client settings (security included) as Kafka Streams. */
    void probeBrokers(Map<String, Object> adminConfig) {
        admin = Admin.create(adminConfig);
        probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-probe");
            t.setDaemon(true);
            return t;
        });
        probe.scheduleWithFixedDelay(this::askBrokers, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void askBrokers() {
        boolean up;
        try {
            up = !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_INTERVAL.toMillis()))
                    .nodes().get(PROBE_INTERVAL.toMillis() + 500, TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            up = false;
        }
        if (up != brokersUp) {
            if (up) {
                log.info("Kafka brokers answer again");
            } else {
                log.warn("Kafka brokers do not answer; not ready until they do (Kafka Streams keeps retrying)");
            }
        }
        brokersUp = up;
    }

    @Override
    public void waiting(String action, Duration waited, SchemaRegistryException cause) {
        if (registryUp) {
            log.warn("schema registry does not answer ({}); waiting for it, not ready meanwhile", cause.getMessage());
        }
        registryUp = false;
        metrics.registryWaits.inc();
    }

    @Override
    public void answered() {
        if (!registryUp) {
            log.info("schema registry answers again");
        }
        registryUp = true;
    }

    boolean allUp() {
        return registryUp && brokersUp;
    }

    String describe() {
        return "registry " + (registryUp ? "up" : "DOWN") + ", brokers " + (brokersUp ? "up" : "DOWN");
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.shutdownNow();
            admin.close(Duration.ofSeconds(2));
        }
    }
}
