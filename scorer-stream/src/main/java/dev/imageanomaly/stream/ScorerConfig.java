package dev.imageanomaly.stream;

import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.ExecutionProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of the streaming scorer, in one place. Layers, later ones winning: the shipped
 * defaults ({@code scorer-defaults.properties}), a properties file, environment variables
 * ({@code SCORER_BOOTSTRAP_SERVERS} for {@code bootstrap.servers}), explicit overrides.
 */
public final class ScorerConfig {

    public static final String ENV_PREFIX = "SCORER_";
    private static final String STREAMS_PREFIX = "streams.";

    private final Properties props;

    private ScorerConfig(Properties props) {
        this.props = props;
    }

    public static ScorerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Properties p = new Properties();
        try (InputStream in = ScorerConfig.class.getResourceAsStream("/scorer-defaults.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read scorer configuration " + file + ": " + e.getMessage(), e);
            }
        }
        for (String key : p.stringPropertyNames().toArray(String[]::new)) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                p.setProperty(key, fromEnv);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX + "STREAMS_")) {
                p.setProperty(STREAMS_PREFIX + name.substring(ENV_PREFIX.length() + 8).toLowerCase(Locale.ROOT)
                        .replace('_', '.'), value);
            }
        });
        overrides.forEach(p::setProperty);
        ScorerConfig config = new ScorerConfig(p);
        config.validate();
        return config;
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private void validate() {
        batchMaxSize();
        batchMaxWait();
        executionProvider();
        onnxIntraOpThreads();
        severityRatios();
        thumbnailMaxSide();
        createTopics();
        topicPartitions();
        topicReplicationFactor();
        positiveInt("num.stream.threads");
        inputSizePolicy();
        httpPort();
        String guarantee = get("processing.guarantee");
        if (!guarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            throw new IllegalArgumentException("processing.guarantee must be at_least_once or exactly_once_v2, was '"
                    + guarantee + "'");
        }
    }

    public String get(String key) {
        String value = props.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing setting '" + key + "' (or " + envName(key) + ")");
        }
        return value.trim();
    }

    private int positiveInt(String key) {
        try {
            int v = Integer.parseInt(get(key));
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a positive whole number, was '"
                    + props.getProperty(key) + "'");
        }
    }

    private int intInRange(String key, int min, int max) {
        try {
            int v = Integer.parseInt(get(key));
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a whole number from " + min + " to "
                    + max + ", was '" + props.getProperty(key) + "'");
        }
    }

    public String bootstrapServers() {
        return get("bootstrap.servers");
    }

    public String schemaRegistryUrl() {
        return get("schema.registry.url");
    }

    public String applicationId() {
        return get("application.id");
    }

    public String imagesTopic() {
        return get("topic.images");
    }

    public String scoresTopic() {
        return get("topic.scores");
    }

    public String alertsTopic() {
        return get("topic.alerts");
    }

    public String deadLetterTopic() {
        return get("topic.dead.letters");
    }

    public boolean createTopics() {
        String value = get("topics.create");
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("setting 'topics.create' must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    public int topicPartitions() {
        return positiveInt("topics.partitions");
    }

    public short topicReplicationFactor() {
        return (short) intInRange("topics.replication.factor", 1, Short.MAX_VALUE);
    }

    public Path modelBundle() {
        String path = get("model.bundle");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("no model bundle configured: set model.bundle (or "
                    + envName("model.bundle") + ") to a bundle folder <root>/<name>/<version>");
        }
        return Path.of(path);
    }

    public ExecutionProvider executionProvider() {
        try {
            return ExecutionProvider.parse(get("execution.provider"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting 'execution.provider': " + e.getMessage(), e);
        }
    }

    /** ONNX Runtime's intra-op threads for one call; 0 lets it use every core. */
    int onnxIntraOpThreads() {
        return intInRange("onnx.intra.op.threads", 0, Integer.MAX_VALUE);
    }

    ImageEventDecoder.SizePolicy inputSizePolicy() {
        String value = get("input.size.policy");
        try {
            return ImageEventDecoder.SizePolicy.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting 'input.size.policy' must be resize or reject, was '"
                    + value + "'");
        }
    }

    public EngineOptions engineOptions() {
        return new EngineOptions(executionProvider(), 0, onnxIntraOpThreads(),
                Math.max(batchMaxSize(), 1));
    }

    public int batchMaxSize() {
        return positiveInt("batch.max.size");
    }

    public Duration batchMaxWait() {
        return Duration.ofMillis(positiveInt("batch.max.wait.ms"));
    }

    public double[] severityRatios() {
        try {
            double[] r = Arrays.stream(get("alert.severity.ratios").split(",")).map(String::trim)
                    .mapToDouble(Double::parseDouble).toArray();
            if (r.length != 3 || !(r[0] >= 1 && r[0] <= r[1] && r[1] <= r[2])) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("alert.severity.ratios must be three increasing ratios >= 1, was '"
                    + props.getProperty("alert.severity.ratios") + "'");
        }
    }

    public int thumbnailMaxSide() {
        return positiveInt("alert.thumbnail.max.side");
    }

    public int httpPort() {
        // 0 picks a free port.
        return intInRange("http.port", 0, 65535);
    }

    /** Kafka Streams' own configuration: the settings above plus every {@code streams.*} key. */
    public Properties streamsProperties() {
        Properties s = new Properties();
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, get("processing.guarantee"));
        s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, positiveInt("num.stream.threads"));
        // Batches wait at most batch.max.wait.ms; polling must not make them wait longer.
        s.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100L, batchMaxWait().toMillis()));
        // This topology has no global stores; enabling the handler there only silences Kafka 4.x's start-up warning.
        s.put("processing.exception.handler.global.enabled", true);
        if (!get("state.dir").isEmpty()) {
            s.put(StreamsConfig.STATE_DIR_CONFIG, get("state.dir"));
        }
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(STREAMS_PREFIX)) {
                s.put(key.substring(STREAMS_PREFIX.length()), props.getProperty(key));
            }
        }
        return s;
    }
}
