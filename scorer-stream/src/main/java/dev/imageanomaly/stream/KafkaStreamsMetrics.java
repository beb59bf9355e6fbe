package dev.imageanomaly.stream;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * What an operator needs to see of Kafka Streams itself, read from the running client at scrape
 * time: lag per input partition, the client's and each stream thread's state, and rebalances.
 * Nothing is sampled in between, so a scrape always shows the current assignment.
 */
final class KafkaStreamsMetrics {

    private KafkaStreamsMetrics() {}

    static void register(KafkaStreams streams, String inputTopic, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("scorer_partition_lag")
                .help("Records in an assigned input partition not yet read by this instance")
                .labelNames("topic", "partition")
                .callback(cb -> partitionLag(streams, inputTopic)
                        .forEach((tp, lag) -> cb.call(lag, tp.topic, tp.partition)))
                .register(registry);
        GaugeWithCallback.builder().name("scorer_streams_state")
                .help("Kafka Streams client state: 1 for the current state, 0 for the others")
                .labelNames("state")
                .callback(cb -> {
                    KafkaStreams.State current = streams.state();
                    for (KafkaStreams.State s : KafkaStreams.State.values()) {
                        cb.call(s == current ? 1 : 0, s.name());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("scorer_stream_threads")
                .help("Stream threads of this instance by thread state")
                .labelNames("state")
                .callback(cb -> threadsByState(streams).forEach((state, n) -> cb.call(n, state)))
                .register(registry);
        CounterWithCallback.builder().name("scorer_rebalances")
                .help("Consumer group rebalances this instance's stream threads took part in")
                .callback(cb -> cb.call(sum(streams, "consumer-coordinator-metrics", "rebalance-total")))
                .register(registry);
        CounterWithCallback.builder().name("scorer_failed_rebalances")
                .help("Consumer group rebalances that failed")
                .callback(cb -> cb.call(sum(streams, "consumer-coordinator-metrics", "failed-rebalance-total")))
                .register(registry);
    }

    private record TopicPartition(String topic, String partition) implements Comparable<TopicPartition> {
        @Override
        public int compareTo(TopicPartition o) {
            int byTopic = topic.compareTo(o.topic);
            return byTopic != 0 ? byTopic : Integer.compare(Integer.parseInt(partition), Integer.parseInt(o.partition));
        }
    }

    private static Map<TopicPartition, Double> partitionLag(KafkaStreams streams, String inputTopic) {
        Map<TopicPartition, Double> lag = new TreeMap<>();
        for (Metric metric : streams.metrics().values()) {
            MetricName name = metric.metricName();
            // Only the input topic: the consumer also reports a deprecated copy of each partition's
            // metrics under the topic name with dots as underscores, and the restore consumers'
            // lag is changelog catch-up, not input the scorer owes.
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && inputTopic.equals(name.tags().get("topic")) && !isRestoreConsumer(name)
                    && metric.metricValue() instanceof Double d && Double.isFinite(d)) {
                lag.merge(new TopicPartition(name.tags().get("topic"), name.tags().get("partition")), d, Math::max);
            }
        }
        return lag;
    }

    private static Map<String, Integer> threadsByState(KafkaStreams streams) {
        Map<String, Integer> byState = new TreeMap<>();
        if (streams.state() == KafkaStreams.State.NOT_RUNNING || streams.state() == KafkaStreams.State.ERROR) {
            return byState;
        }
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            byState.merge(thread.threadState(), 1, Integer::sum);
        }
        return byState;
    }

    private static double sum(KafkaStreams streams, String group, String metricName) {
        double total = 0;
        for (Metric metric : streams.metrics().values()) {
            MetricName name = metric.metricName();
            if (name.name().equals(metricName) && name.group().equals(group) && !isRestoreConsumer(name)
                    && metric.metricValue() instanceof Double d && Double.isFinite(d)) {
                total += d;
            }
        }
        return total;
    }

    private static boolean isRestoreConsumer(MetricName name) {
        return name.tags().getOrDefault("client-id", "").endsWith("restore-consumer");
    }
}
