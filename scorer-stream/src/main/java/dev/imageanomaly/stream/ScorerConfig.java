package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.SchemaRegistrySettings;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.ExecutionProvider;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of the streaming scorer, in one place: {@link #DEFINITION} holds each key's type,
 * default, valid values and documentation (Kafka's own {@link ConfigDef}). Layers, later ones
 * winning: the defaults, a properties file, environment variables ({@code SCORER_BOOTSTRAP_SERVERS}
 * for {@code bootstrap.servers}), explicit overrides. Keys starting with {@code streams.} go to Kafka
 * Streams as they are; any other unknown key is refused, so a typo cannot pass silently.
 */
public final class ScorerConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "SCORER_";
    public static final String STREAMS_PREFIX = "streams.";

    /** What a changelog or output record adds to the bytes it carries (Kafka record overhead, our fields). */
    private static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    public static final ConfigDef DEFINITION = new ConfigDef()
            // Where Kafka and the Confluent-API schema registry are.
            .define("bootstrap.servers", Type.STRING, "localhost:9092", new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka brokers, host:port[,host:port...].")
            .define("schema.registry.url", Type.STRING, "http://localhost:8081/apis/ccompat/v7",
                    new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Base URL of a registry serving the Confluent Schema Registry REST API.")
            .define("schema.registry.basic.auth.user.info", Type.PASSWORD, "", Importance.MEDIUM,
                    "user:password for the registry's HTTP basic auth (Confluent's basic.auth.user.info); empty: none.")
            .define("schema.registry.ssl.truststore.location", Type.STRING, "", Importance.MEDIUM,
                    "Truststore (PKCS12 or JKS) with the CA of a registry served over https; empty: the JDK's CAs.")
            .define("schema.registry.ssl.truststore.password", Type.PASSWORD, "", Importance.MEDIUM,
                    "Password of the registry truststore.")
            .define("schema.registry.ssl.truststore.type", Type.STRING, "PKCS12",
                    ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"), Importance.LOW,
                    "Type of the registry truststore.")
            .define("schema.registry.max.wait.ms", Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "How long a look-up of a schema never seen before waits, retrying with backoff, for a registry "
                            + "that does not answer; meanwhile /health/ready fails. Schemas already seen are cached "
                            + "and need no registry.")
            .define("application.id", Type.STRING, "image-anomaly-scorer", new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka Streams application id: the consumer group and the prefix of internal "
                            + "topics. Instances with the same id share the partitions.")
            // Topics.
            .define("topic.images", Type.STRING, "images", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Input topic of ImageEvent records.")
            .define("topic.scores", Type.STRING, "anomaly-scores", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "One AnomalyScore per scored event.")
            .define("topic.alerts", Type.STRING, "anomaly-alerts", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "One AnomalyAlert per score above the threshold.")
            .define("topic.dead.letters", Type.STRING, "images.dlq", new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "One DeadLetter per input record that could not be scored, with the reason.")
            .define("topic.shadow.scores", Type.STRING, "anomaly-scores.shadow", new ConfigDef.NonEmptyString(),
                    Importance.LOW, "One AnomalyScore per event from the shadow model, when one is set; never alerts.")
            .define("topic.drift", Type.STRING, "anomaly-drift", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "DriftAlert records: a window of live scores parted from (or returned to) the model's reference.")
            .define("topics.create", Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create missing topics on start-up.")
            .define("topics.partitions", Type.INT, 4, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of topics created on start-up.")
            .define("topics.replication.factor", Type.SHORT, (short) 1, Range.between(1, Short.MAX_VALUE),
                    Importance.MEDIUM, "Replication factor of topics created on start-up.")
            // The model.
            .define("model.bundle", Type.STRING, "", Importance.HIGH,
                    "A bundle version folder <root>/<name>/<version> (pinned to it), or a model folder "
                            + "<root>/<name> whose rollout plan, or else newest version, is followed while running.")
            .define("model.shadow", Type.STRING, "", Importance.LOW,
                    "A bundle version folder scored beside the live model (a canary), its scores to "
                            + "topic.shadow.scores; a model folder's rollout plan can set or change it.")
            .define("model.poll.interval.ms", Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    "How often a followed model folder is checked for a new version or plan.")
            .define("execution.provider", Type.STRING, "auto", (name, value) -> parseProvider(name, value),
                    Importance.MEDIUM, "Where ONNX Runtime runs the model: cpu, cuda, or auto (CUDA when usable, "
                            + "else the CPU with one log line saying why).")
            .define("onnx.intra.op.threads", Type.INT, 1, Range.atLeast(0), Importance.LOW,
                    "Threads one ONNX Runtime call may use on the CPU (0 = all cores). 1 measured fastest here: "
                            + "no spinning pool competing with Kafka for the cores; to run the model beside the "
                            + "stream thread see batch.scoring.threads, and scale out with partitions.")
            // Micro-batching.
            .define("batch.max.size", Type.INT, 64, Range.atLeast(1), Importance.MEDIUM,
                    "A batch is scored when it holds this many events or its oldest has waited batch.max.wait.ms.")
            // 5 ms, not more: under load batches fill before the wait ends; at low rates every event
            // waits it out (20 ms put conv-ae's end-to-end p99 at 1,600 events/s at 204 ms, 5 ms at 27 ms).
            .define("batch.max.wait.ms", Type.LONG, 5L, Range.atLeast(1), Importance.MEDIUM,
                    "Longest time an event waits for its batch to fill.")
            // 0 by default: on 2 cores shared with the broker, the steady-state drain was the same either
            // way and 1 added 1-2 ms to the median latency at 16,000 events/s (deep-ae); 1 drained 10 %
            // faster while a fresh JVM was still compiling itself (catching up after a start or rollout).
            .define("batch.scoring.threads", Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Threads that run the model, shared by this instance's tasks: a task's full batch is "
                            + "scored on one of them while its next batch is decoded and filled, at most one "
                            + "batch in flight per task. 0 = the stream thread runs the model itself.")
            // Kafka Streams.
            .define("processing.guarantee", Type.STRING, StreamsConfig.AT_LEAST_ONCE,
                    ConfigDef.ValidString.in(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2),
                    Importance.MEDIUM, "at_least_once or exactly_once_v2.")
            .define("num.stream.threads", Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Stream threads of this instance, each scoring its own partitions.")
            .define("instance.id", Type.STRING, "", Importance.MEDIUM,
                    "A name for this instance that survives its restarts (a StatefulSet pod name, a host name): "
                            + "static group membership, so a restarted instance takes its partitions back at once "
                            + "instead of waiting out the session timeout. Empty: dynamic membership.")
            .define("state.dir", Type.STRING, "", Importance.LOW,
                    "Folder of the buffered-events store (Kafka Streams' default when empty).")
            // Alerts.
            .define("alert.severity.ratios", Type.LIST, "1.5,2.5,4", (name, value) -> parseSeverityRatios(value),
                    Importance.LOW, "Three increasing score/threshold ratios: LOW below the first, then MEDIUM, "
                            + "HIGH, and CRITICAL above the last.")
            .define("alert.thumbnail.max.side", Type.INT, 64, Range.between(1, 256), Importance.LOW,
                    "Longest side of the PNG thumbnail on an alert.")
            .define("alert.attributes.max.bytes", Type.INT, 16 * 1024, Range.between(0, 256 * 1024), Importance.LOW,
                    "At most this many bytes of the event's attributes are copied onto its alert; the rest are "
                            + "left out and the alert says how many.")
            // Input limits: what a record may be before it is refused with a dead letter.
            .define("input.size.policy", Type.STRING, "resize",
                    ConfigDef.CaseInsensitiveValidString.in("resize", "reject"), Importance.MEDIUM,
                    "An image whose size differs from the model input: resize (as the trainer does) or reject "
                            + "(dead letter WRONG_SIZE).")
            .define("input.max.record.bytes", Type.INT, 1024 * 1024, Range.between(1024, 64 * 1024 * 1024),
                    Importance.MEDIUM, "Larger input records are dead-lettered (RECORD_TOO_LARGE) without being "
                            + "decoded or buffered. Also sizes the buffer's changelog records.")
            .define("input.max.identifier.bytes", Type.INT, 1024, Range.between(16, 16 * 1024), Importance.LOW,
                    "Longest record key, eventId and source, in UTF-8 bytes (INVALID_FIELD beyond).")
            .define("input.max.pixels", Type.STRING, "auto", (name, value) -> parseMaxPixels(name, value),
                    Importance.MEDIUM, "Largest image, in pixels, checked from its header before its pixels are "
                            + "allocated (IMAGE_TOO_LARGE beyond). auto: the model's own input size under "
                            + "input.size.policy=reject, 2048x2048 under resize.")
            .define("input.max.future.ms", Type.LONG, Duration.ofDays(1).toMillis(), Range.atLeast(0),
                    Importance.LOW, "An eventTime more than this ahead of the scorer's clock, or before 1970, is "
                            + "refused (INVALID_FIELD): it would poison latency figures and time windows.")
            // Outputs.
            .define("output.max.record.bytes", Type.INT, 1_000_000, Range.between(16 * 1024, 64 * 1024 * 1024),
                    Importance.LOW, "Every score, alert and dead letter is built to fit this size (dead letters "
                            + "cut the original bytes and say so); keep it at or below the output topics' "
                            + "max.message.bytes.")
            // Drift watch.
            .define("drift.window.size", Type.INT, 500, Range.between(20, 100_000), Importance.LOW,
                    "Latest scores per window, per source and for all sources together.")
            .define("drift.check.every", Type.INT, 100, Range.atLeast(1), Importance.LOW,
                    "A full window is compared with the reference after this many new scores.")
            .define("drift.ks.level", Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.LOW,
                    "A window drifts when its Kolmogorov-Smirnov distance from the reference exceeds this.")
            .define("drift.psi.level", Type.DOUBLE, 0.25, Range.atLeast(0.0), Importance.LOW,
                    "... or its population stability index does (0.25 is the usual mark of a significant shift).")
            .define("drift.clear.ratio", Type.DOUBLE, 0.8, Range.between(0.0, 1.0), Importance.LOW,
                    "A drifting window clears when both statistics fall below this fraction of their levels.")
            .define("drift.max.sources", Type.INT, 100, Range.atLeast(0), Importance.LOW,
                    "Sources watched one by one (the most recently seen); every source counts in the * window.")
            .define("shadow.window.size", Type.INT, 1000, Range.atLeast(10), Importance.LOW,
                    "Latest live/shadow pairs the agreement and rank-correlation metrics are taken over.")
            // Health and metrics.
            .define("http.bind.address", Type.STRING, "", Importance.LOW,
                    "Address /health/live, /health/ready, /metrics and /model listen on, e.g. 127.0.0.1 to keep "
                            + "them off the network; empty: every interface.")
            .define("http.port", Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the HTTP endpoints (0 picks a free port).")
            .define("liveness.stall.timeout.ms", Type.LONG, Duration.ofMinutes(5).toMillis(), Range.atLeast(1000),
                    Importance.LOW, "/health/live fails when records wait and none has been processed for this "
                            + "long (a stream thread dying over and over, a stuck partition).");

    private ScorerConfig(Map<String, String> values) {
        super(DEFINITION, values, false);
    }

    public static ScorerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        if (file != null) {
            Properties fromFile = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                fromFile.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read scorer configuration " + file + ": " + e.getMessage(), e);
            }
            fromFile.stringPropertyNames().forEach(k -> values.put(k, fromFile.getProperty(k)));
        }
        for (String key : DEFINITION.names()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX + "STREAMS_")) {
                values.put(STREAMS_PREFIX + name.substring(ENV_PREFIX.length() + 8).toLowerCase(Locale.ROOT)
                        .replace('_', '.'), value);
            }
        });
        values.putAll(overrides);
        values.replaceAll((k, v) -> v.trim());
        refuseUnknownKeys(values);
        try {
            return new ScorerConfig(values);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Every key the scorer knows, besides the {@code streams.*} pass-through. */
    public static java.util.Set<String> knownKeys() {
        return DEFINITION.names();
    }

    /** The settings as a commented properties file of their defaults, for operators to start from. */
    public static String defaultsAsProperties() {
        StringBuilder out = new StringBuilder("# Streaming scorer settings and their defaults. Override in a file "
                + "(--config FILE), with SCORER_<KEY> environment variables\n# (dots as underscores), or --set "
                + "key=value. Keys starting with streams. go to Kafka Streams without the prefix.\n");
        // ConfigDef keeps the keys in the order they were defined: grouped as above.
        DEFINITION.configKeys().values().forEach(k -> {
            out.append("\n# ").append(k.documentation).append('\n');
            Object value = k.defaultValue;
            out.append(k.name).append('=').append(value == null ? "" : value instanceof List<?> l
                    ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(value)).append('\n');
        });
        return out.toString();
    }

    private static void refuseUnknownKeys(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!DEFINITION.names().contains(key) && !key.startsWith(STREAMS_PREFIX)) {
                String nearest = DEFINITION.names().stream()
                        .min(Comparator.comparingInt(known -> editDistance(known, key))).orElseThrow();
                throw new IllegalArgumentException("unknown setting '" + key + "' (did you mean '" + nearest
                        + "'? Kafka Streams settings take the prefix '" + STREAMS_PREFIX + "')");
            }
        }
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }

    /** A known setting's value as text (lists joined by commas). */
    public String asText(String key) {
        if (!DEFINITION.names().contains(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "' (or " + envName(key) + ")");
        }
        Object value = get(key);
        return value instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }

    public String bootstrapServers() {
        return getString("bootstrap.servers");
    }

    public String schemaRegistryUrl() {
        return getString("schema.registry.url");
    }

    /** The registry's URL, credentials and truststore, under the keys Confluent's clients use. */
    public SchemaRegistrySettings schemaRegistrySettings() {
        Map<String, Object> registry = new HashMap<>();
        registry.put(SchemaRegistrySettings.URL, schemaRegistryUrl());
        Password userInfo = getPassword("schema.registry.basic.auth.user.info");
        if (userInfo != null && !userInfo.value().isBlank()) {
            registry.put(SchemaRegistrySettings.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            registry.put(SchemaRegistrySettings.BASIC_AUTH_USER_INFO, userInfo.value());
        }
        registry.put(SchemaRegistrySettings.TRUSTSTORE_LOCATION, getString("schema.registry.ssl.truststore.location"));
        Password trustPassword = getPassword("schema.registry.ssl.truststore.password");
        if (trustPassword != null) {
            registry.put(SchemaRegistrySettings.TRUSTSTORE_PASSWORD, trustPassword.value());
        }
        registry.put(SchemaRegistrySettings.TRUSTSTORE_TYPE, getString("schema.registry.ssl.truststore.type"));
        registry.put(SchemaRegistrySettings.MAX_WAIT_MS, getLong("schema.registry.max.wait.ms").toString());
        return SchemaRegistrySettings.fromConfig(registry);
    }

    public String applicationId() {
        return getString("application.id");
    }

    public String imagesTopic() {
        return getString("topic.images");
    }

    public String scoresTopic() {
        return getString("topic.scores");
    }

    public String alertsTopic() {
        return getString("topic.alerts");
    }

    public String deadLetterTopic() {
        return getString("topic.dead.letters");
    }

    public boolean createTopics() {
        return getBoolean("topics.create");
    }

    public int topicPartitions() {
        return getInt("topics.partitions");
    }

    public short topicReplicationFactor() {
        return getShort("topics.replication.factor");
    }

    public Path modelShadow() {
        return getString("model.shadow").isEmpty() ? null : Path.of(getString("model.shadow"));
    }

    public Duration modelPollInterval() {
        return Duration.ofMillis(getLong("model.poll.interval.ms"));
    }

    public String shadowScoresTopic() {
        return getString("topic.shadow.scores");
    }

    public String driftTopic() {
        return getString("topic.drift");
    }

    DriftWatch.Settings driftSettings() {
        return new DriftWatch.Settings(getInt("drift.window.size"), getInt("drift.check.every"),
                getDouble("drift.ks.level"), getDouble("drift.psi.level"), getDouble("drift.clear.ratio"),
                getInt("drift.max.sources"));
    }

    int shadowWindowSize() {
        return getInt("shadow.window.size");
    }

    public Path modelBundle() {
        String path = getString("model.bundle");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("no model bundle configured: set model.bundle (or "
                    + envName("model.bundle") + ") to a bundle folder <root>/<name>/<version> or a model folder <root>/<name>");
        }
        return Path.of(path);
    }

    public ExecutionProvider executionProvider() {
        return ExecutionProvider.parse(getString("execution.provider"));
    }

    public EngineOptions engineOptions() {
        return new EngineOptions(executionProvider(), 0, getInt("onnx.intra.op.threads"), batchMaxSize());
    }

    public int batchMaxSize() {
        return getInt("batch.max.size");
    }

    public int batchScoringThreads() {
        return getInt("batch.scoring.threads");
    }

    public Duration batchMaxWait() {
        return Duration.ofMillis(getLong("batch.max.wait.ms"));
    }

    public String processingGuarantee() {
        return getString("processing.guarantee");
    }

    /** Whether outputs, store writes and input offsets commit together, in one transaction. */
    public boolean exactlyOnce() {
        return processingGuarantee().equals(StreamsConfig.EXACTLY_ONCE_V2);
    }

    public double[] severityRatios() {
        return parseSeverityRatios(getList("alert.severity.ratios"));
    }

    public int thumbnailMaxSide() {
        return getInt("alert.thumbnail.max.side");
    }

    public int alertAttributesMaxBytes() {
        return getInt("alert.attributes.max.bytes");
    }

    ImageEventDecoder.SizePolicy inputSizePolicy() {
        return ImageEventDecoder.SizePolicy.valueOf(getString("input.size.policy").toUpperCase(Locale.ROOT));
    }

    /** What an input record may be, for a model taking {@code input}. */
    InputLimits inputLimits(InputSpec input) {
        String maxPixels = getString("input.max.pixels");
        long pixels;
        if (maxPixels.equalsIgnoreCase("auto")) {
            pixels = inputSizePolicy() == ImageEventDecoder.SizePolicy.REJECT
                    ? (long) input.width() * input.height() : 2048L * 2048L;
        } else {
            pixels = Long.parseLong(maxPixels);
        }
        return new InputLimits(getInt("input.max.record.bytes"), getInt("input.max.identifier.bytes"), pixels,
                Duration.ofMillis(getLong("input.max.future.ms")), inputSizePolicy());
    }

    public int outputMaxRecordBytes() {
        return getInt("output.max.record.bytes");
    }

    /** The size of a buffered event's changelog record, at most: the largest input plus our bookkeeping. */
    int changelogMaxRecordBytes() {
        return getInt("input.max.record.bytes") + getInt("input.max.identifier.bytes") + RECORD_OVERHEAD_BYTES;
    }

    public String httpBindAddress() {
        return getString("http.bind.address");
    }

    public int httpPort() {
        return getInt("http.port");
    }

    public Duration livenessStallTimeout() {
        return Duration.ofMillis(getLong("liveness.stall.timeout.ms"));
    }

    /** Kafka Streams' own configuration: the settings above plus every {@code streams.*} key. */
    public Properties streamsProperties() {
        Properties s = new Properties();
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
        s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt("num.stream.threads"));
        // Batches wait at most batch.max.wait.ms; polling must not make them wait longer.
        s.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100L, batchMaxWait().toMillis()));
        // Defaults chosen for this workload (every one can be overridden with streams.<key>):
        // at_least_once commits every 30 s by default, so a crash re-emits up to 30 s of outputs;
        // every second bounds that to about one second of events, for a commit a second.
        if (!exactlyOnce()) {
            s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L);
        }
        // Kafka Streams lingers 100 ms before sending a batch of outputs: a tenth of a second added to
        // every score and alert. 5 ms still fills batches under load.
        s.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A dead instance's partitions move after the session timeout; 45 s (Kafka's default) is
        // a long pause for a scorer, 15 s still rides out a long GC pause.
        s.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        s.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        // A warm copy of the buffer store on another instance: failover needs no changelog replay.
        s.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        if (!getString("instance.id").isEmpty()) {
            // Kafka Streams appends each stream thread's index to it.
            s.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, getString("instance.id"));
        }
        // No global stores here: this only opts in to what Kafka 5.0 makes the default. Kafka 4.3
        // still logs its warning once, from the StreamsConfig its partition assignor rebuilds from
        // the consumer's settings, which do not carry this key.
        s.put("processing.exception.handler.global.enabled", true);
        // Buffered events go to the changelog with a little more than the input record's bytes, and
        // outputs are built to fit output.max.record.bytes: the producer must take both.
        s.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Math.max(changelogMaxRecordBytes(), outputMaxRecordBytes() + RECORD_OVERHEAD_BYTES));
        if (!getString("state.dir").isEmpty()) {
            s.put(StreamsConfig.STATE_DIR_CONFIG, getString("state.dir"));
        }
        new TreeMap<>(originalsWithPrefix(STREAMS_PREFIX)).forEach(s::put);
        return s;
    }

    private static ExecutionProvider parseProvider(String name, Object value) {
        try {
            return ExecutionProvider.parse((String) value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static Object parseMaxPixels(String name, Object value) {
        String text = ((String) value).trim();
        if (text.equalsIgnoreCase("auto")) {
            return text;
        }
        try {
            if (Long.parseLong(text) >= 1) {
                return text;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name, value, "must be auto or a positive number of pixels");
    }

    private static double[] parseSeverityRatios(Object value) {
        List<?> items = (List<?>) value;
        try {
            double[] r = items.stream().map(String::valueOf).map(String::trim).mapToDouble(Double::parseDouble).toArray();
            if (r.length == 3 && r[0] >= 1 && r[0] <= r[1] && r[1] <= r[2]) {
                return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("alert.severity.ratios", String.join(",", items.stream().map(String::valueOf).toList()),
                "must be three increasing ratios >= 1");
    }
}
