package dev.imageanomaly.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry server running in a child JVM on a free loopback port, its storage an
 * H2 database file in its work folder, so it can be stopped and restarted like a production registry
 * with durable storage and still serve every schema under the same id. Clients reach it through its
 * Confluent-compatible API at {@link #url()}, so the same code works against Confluent Schema
 * Registry, Karapace or Redpanda.
 */
public final class EmbeddedRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    /**
     * How the registry is started.
     *
     * @param compatibility  global compatibility level set after startup (BACKWARD, FULL, NONE, ...)
     * @param startupTimeout how long to wait for the API to answer before failing
     * @param maxHeap        the child's {@code -Xmx} value
     */
    public record Settings(String compatibility, Duration startupTimeout, String maxHeap) {

        public static Settings defaults() {
            return new Settings("BACKWARD", Duration.ofSeconds(90), "384m");
        }

        public Settings withCompatibility(String level) {
            return new Settings(level, startupTimeout, maxHeap);
        }

        public Settings withStartupTimeout(Duration timeout) {
            return new Settings(compatibility, timeout, maxHeap);
        }
    }

    private final Path workDir;
    private final String baseUrl;
    private final List<String> jvmArgs;
    private final Settings settings;
    private volatile ChildJvm server;

    private EmbeddedRegistry(Path workDir, String baseUrl, List<String> jvmArgs, Settings settings, ChildJvm server) {
        this.workDir = workDir;
        this.baseUrl = baseUrl;
        this.jvmArgs = jvmArgs;
        this.settings = settings;
        this.server = server;
    }

    public static EmbeddedRegistry start() {
        return start(Settings.defaults());
    }

    /** Starts the server, waits until its Confluent-compatible API answers and sets the global compatibility. */
    public static EmbeddedRegistry start(Settings settings) {
        long began = System.nanoTime();
        Path runnerJar = ApicurioDistribution.runnerJar();
        Path workDir = createWorkDir();
        ChildJvm server = null;
        try {
            int[] ports = FreePorts.pick(2);
            String baseUrl = "http://127.0.0.1:" + ports[0];
            List<String> jvmArgs = List.of(
                    "-Xms64m", "-Xmx" + settings.maxHeap(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + ports[0],
                    // The 3.0.9 build serves health and metrics on the main port (its management
                    // interface is not enabled), but should a build enable it, it must not take the
                    // fixed default 9000 and collide with another instance.
                    "-Dquarkus.management.host=127.0.0.1",
                    "-Dquarkus.management.port=" + ports[1],
                    "-Dquarkus.log.console.color=false",
                    "-Dapicurio.import.work-dir=" + workDir,
                    "-Dapicurio.storage.snapshot.location=" + workDir,
                    // Durable storage (an H2 file instead of the default in-memory H2), so a restart
                    // keeps every schema and id, as a production registry's database does.
                    "-Dapicurio.storage.kind=sql", "-Dapicurio.storage.sql.kind=h2",
                    "-Dapicurio.datasource.url=jdbc:h2:file:" + workDir.resolve("registry-db") + ";DB_CLOSE_ON_EXIT=FALSE",
                    "-Dapicurio.datasource.username=sa", "-Dapicurio.datasource.password=sa",
                    // A development registry: let tests and demos delete what they registered.
                    "-Dapicurio.rest.deletion.artifact.enabled=true",
                    "-Dapicurio.rest.deletion.artifact-version.enabled=true",
                    "-Dapicurio.rest.deletion.group.enabled=true",
                    "-jar", runnerJar.toString());
            server = ChildJvm.launch("apicurio registry", jvmArgs, Map.of(), workDir, workDir.resolve("registry.log"));

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String url = baseUrl + CCOMPAT_PATH;
            awaitReady(server, http, url, settings.startupTimeout());
            setGlobalCompatibility(http, url, settings.compatibility());
            LOG.info("Apicurio Registry {} ready at {} in {} ms (pid {}, log {})",
                    EmbeddedStackProperties.get("apicurio.version"), url,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), server.pid(), server.logFile());
            return new EmbeddedRegistry(workDir, baseUrl, jvmArgs, settings, server);
        } catch (RuntimeException e) {
            if (server != null) {
                server.kill();
            }
            ChildJvm.deleteRecursively(workDir);
            throw e;
        }
    }

    /** The Confluent Schema Registry compatible base URL, for {@code schema.registry.url}. */
    public String url() {
        return baseUrl + CCOMPAT_PATH;
    }

    /** The server root, e.g. for Apicurio's own API under {@code /apis/registry/v3}. */
    public String baseUrl() {
        return baseUrl;
    }

    public Path logFile() {
        return server.logFile();
    }

    public boolean isRunning() {
        return server.isAlive();
    }

    public ProcessHandle process() {
        return server.handle();
    }

    /** Kills the server at once (SIGKILL). Its database file stays, so {@link #restart()} serves the same schemas. */
    public void kill() {
        server.kill();
    }

    /** Stops the server gracefully, keeping its storage. */
    public void stop() {
        server.stop(Duration.ofSeconds(20));
    }

    /** Starts the stopped (or killed) server again on the same port with the same storage, and waits until it answers. */
    public void restart() {
        if (server.isAlive()) {
            throw new IllegalStateException("the registry is still running (pid " + server.pid() + ")");
        }
        long began = System.nanoTime();
        server = ChildJvm.launch("apicurio registry", jvmArgs, Map.of(), workDir, workDir.resolve("registry.log"));
        awaitReady(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), url(),
                settings.startupTimeout());
        LOG.info("Apicurio Registry restarted at {} in {} ms (pid {})", url(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), server.pid());
    }

    @Override
    public void close() {
        if (server.isAlive()) {
            server.stop(Duration.ofSeconds(20));
        }
        ChildJvm.deleteRecursively(workDir);
    }

    private static void awaitReady(ChildJvm server, HttpClient http, String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "/config")).timeout(Duration.ofSeconds(2)).GET().build();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new EmbeddedStackException("Apicurio Registry exited during startup" + server.describeLog());
            }
            try {
                HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedStackException("interrupted while waiting for the registry", e);
            }
            EmbeddedKafka.sleep(200);
        }
        server.kill();
        throw new EmbeddedStackException("Apicurio Registry did not answer " + url + "/config within " + timeout
                + " (last: " + last + ")" + server.describeLog());
    }

    private static void setGlobalCompatibility(HttpClient http, String url, String level) {
        HttpRequest put = HttpRequest.newBuilder(URI.create(url + "/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        try {
            HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new EmbeddedStackException("registry refused compatibility " + level + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new EmbeddedStackException("cannot set registry compatibility", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStackException("interrupted while configuring the registry", e);
        }
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("embedded-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
