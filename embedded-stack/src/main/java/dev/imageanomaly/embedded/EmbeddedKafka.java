package dev.imageanomaly.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running in a child
 * JVM on free loopback ports, with its data in a temporary directory that {@link #close()} deletes.
 *
 * <p>The child's classpath is ours (kafka_2.13 is a dependency of this module), so the broker is
 * exactly the Kafka version the build pins. Its output goes to {@link #logFile()}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** System property that overrides the child's classpath, for hosts whose classpath we cannot see. */
    public static final String CLASSPATH_PROPERTY = "embedded.kafka.classpath";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String BROKER_MAIN = "kafka.Kafka";
    private static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";

    /**
     * How the broker is started.
     *
     * @param numPartitions   default partition count of auto-created topics ({@code num.partitions})
     * @param startupTimeout  how long to wait for the broker to answer before failing
     * @param maxHeap         the child's {@code -Xmx} value, e.g. {@code 512m}
     * @param brokerOverrides extra or replacing {@code server.properties} entries
     */
    public record Settings(int numPartitions, Duration startupTimeout, String maxHeap,
            Map<String, String> brokerOverrides) {

        public Settings {
            if (numPartitions < 1) {
                throw new IllegalArgumentException("numPartitions must be >= 1, was " + numPartitions);
            }
            brokerOverrides = Map.copyOf(brokerOverrides);
        }

        public static Settings defaults() {
            return new Settings(1, Duration.ofSeconds(60), "512m", Map.of());
        }

        public Settings withNumPartitions(int partitions) {
            return new Settings(partitions, startupTimeout, maxHeap, brokerOverrides);
        }

        public Settings withStartupTimeout(Duration timeout) {
            return new Settings(numPartitions, timeout, maxHeap, brokerOverrides);
        }

        public Settings withBrokerProperty(String key, String value) {
            Map<String, String> merged = new LinkedHashMap<>(brokerOverrides);
            merged.put(key, value);
            return new Settings(numPartitions, startupTimeout, maxHeap, merged);
        }
    }

    private final Path workDir;
    private final String bootstrapServers;
    private final int brokerPort;
    private final Settings settings;
    private final Path config;
    private volatile ChildJvm broker;

    private EmbeddedKafka(Path workDir, String bootstrapServers, int brokerPort, Settings settings, Path config,
            ChildJvm broker) {
        this.workDir = workDir;
        this.bootstrapServers = bootstrapServers;
        this.brokerPort = brokerPort;
        this.settings = settings;
        this.config = config;
        this.broker = broker;
    }

    public static EmbeddedKafka start() {
        return start(Settings.defaults());
    }

    /** Formats fresh storage, starts the broker and returns once it answers a describeCluster call. */
    public static EmbeddedKafka start(Settings settings) {
        long began = System.nanoTime();
        Path workDir = createWorkDir();
        ChildJvm broker = null;
        try {
            int[] ports = FreePorts.pick(2);
            String bootstrap = "127.0.0.1:" + ports[0];
            Path config = writeServerProperties(workDir, ports[0], ports[1], settings);
            Map<String, String> env = Map.of("CLASSPATH", childClasspath());

            ChildJvm.runToCompletion("kafka storage format",
                    List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", STORAGE_TOOL_MAIN,
                            "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()),
                    env, workDir, workDir.resolve("format.log"), settings.startupTimeout());

            broker = launchBroker(settings, config, workDir, ports[0], bootstrap);
            LOG.info("Kafka broker {} ready at {} in {} ms (pid {}, log {})", kafkaVersion(), bootstrap,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), broker.pid(), broker.logFile());
            return new EmbeddedKafka(workDir, bootstrap, ports[0], settings, config, broker);
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.kill();
            }
            ChildJvm.deleteRecursively(workDir);
            throw e;
        }
    }

    private static ChildJvm launchBroker(Settings settings, Path config, Path workDir, int port, String bootstrap) {
        ChildJvm broker = ChildJvm.launch("kafka broker", brokerJvmArgs(settings, config),
                Map.of("CLASSPATH", childClasspath()), workDir, workDir.resolve("kafka.log"));
        try {
            awaitListening(broker, port, settings.startupTimeout());
            awaitReady(broker, bootstrap, settings.startupTimeout());
            return broker;
        } catch (RuntimeException e) {
            broker.kill();
            throw e;
        }
    }

    /**
     * Stops the broker gracefully and keeps its data, as an operator stops a broker for maintenance;
     * {@link #restart()} brings the same broker back.
     */
    public void stop() {
        broker.stop(Duration.ofSeconds(30));
    }

    /** Starts the stopped (or killed) broker again on the same port with the same data, and waits until it answers. */
    public void restart() {
        if (broker.isAlive()) {
            throw new IllegalStateException("the broker is still running (pid " + broker.pid() + ")");
        }
        long began = System.nanoTime();
        broker = launchBroker(settings, config, workDir, brokerPort, bootstrapServers);
        LOG.info("Kafka broker restarted at {} in {} ms (pid {})", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), broker.pid());
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logFile() {
        return broker.logFile();
    }

    public boolean isRunning() {
        return broker.isAlive();
    }

    /** The broker's process, e.g. to check that it is gone. */
    public ProcessHandle process() {
        return broker.handle();
    }

    /** Kills the broker at once (SIGKILL), as in a crash. {@link #close()} still removes its data. */
    public void kill() {
        broker.kill();
    }

    /** Stops the broker gracefully (controlled shutdown) and deletes its data directory. */
    @Override
    public void close() {
        if (broker.isAlive()) {
            broker.stop(Duration.ofSeconds(30));
        }
        ChildJvm.deleteRecursively(workDir);
    }

    private static List<String> brokerJvmArgs(Settings settings, Path config) {
        return List.of(
                "-Xms64m", "-Xmx" + settings.maxHeap(),
                // A test/demo broker: a small serial-GC heap and the C1 compiler only start faster
                // and leave the CPU to the code under test.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true",
                // When slf4j-simple is the binding (it is in tests), log at INFO whatever a
                // simplelogger.properties on the shared classpath says: the log tail explains failures.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                BROKER_MAIN, config.toString());
    }

    private static Path writeServerProperties(Path workDir, int brokerPort, int controllerPort, Settings settings) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", workDir.resolve("data").toString());
        p.put("num.partitions", Integer.toString(settings.numPartitions()));
        // Single node: every internal topic has one replica, and few partitions so that the first
        // consumer group / transaction does not wait for 50 partitions to be created.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.putAll(settings.brokerOverrides());

        Properties props = new Properties();
        props.putAll(p);
        Path file = workDir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "embedded single-node KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Waits for the listener socket before creating an admin client, so the client does not log a
     * connection warning every 200 ms while the JVM boots.
     */
    private static void awaitListening(ChildJvm broker, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new EmbeddedStackException("Kafka broker exited during startup" + broker.describeLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        broker.kill();
        throw new EmbeddedStackException("Kafka broker did not listen on port " + port + " within " + timeout
                + broker.describeLog());
    }

    private static void awaitReady(ChildJvm broker, String bootstrap, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    throw new EmbeddedStackException("Kafka broker exited during startup" + broker.describeLog());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new EmbeddedStackException("interrupted while waiting for Kafka", e);
                    }
                    last = e;
                }
                sleep(200);
            }
        }
        broker.kill();
        throw new EmbeddedStackException("Kafka broker did not answer at " + bootstrap + " within " + timeout
                + " (last error: " + last + ")" + broker.describeLog());
    }

    /**
     * The child's classpath: ours. Entries of URL class loaders (e.g. {@code exec:java}, which does
     * not put the project on {@code java.class.path}) come first, then {@code java.class.path}
     * (under Surefire a manifest-only jar, which the child can use as well).
     */
    static String childClasspath() {
        String override = System.getProperty(CLASSPATH_PROPERTY);
        if (override != null && !override.isBlank()) {
            return override;
        }
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = EmbeddedKafka.class.getClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        if ("file".equals(url.getProtocol())) {
                            entries.add(Path.of(url.toURI()).toString());
                        }
                    } catch (URISyntaxException | IllegalArgumentException ignored) {
                        // not a local file; the child could not use it either
                    }
                }
            }
        }
        entries.addAll(Arrays.asList(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        entries.remove("");
        return String.join(File.pathSeparator, new ArrayList<>(entries));
    }

    static String kafkaVersion() {
        return EmbeddedStackProperties.get("kafka.version");
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStackException("interrupted while waiting", e);
        }
    }
}
