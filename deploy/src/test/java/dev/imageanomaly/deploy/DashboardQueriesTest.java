package dev.imageanomaly.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.embedded.FreePorts;
import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every panel of the ops dashboard returns a series from a real scorer that has
 * scored real traffic (digits, Fashion articles that raise alerts, a broken record that is
 * dead-lettered), scraped by a real Prometheus with the compose file's job names. GPU panels
 * query NVIDIA's dcgm-exporter and are checked only where its series exist.
 */
@ExtendWith(EmbeddedStackExtension.class)
class DashboardQueriesTest {

    private static final String DASHBOARD = "deploy/grafana/dashboards/image-anomaly-scorer.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedStack stack;

    @TempDir
    Path dir;

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    record Query(String panel, String expr) {
        boolean onlyOnGpuHosts() {
            return expr.contains("DCGM_");
        }
    }

    static List<Query> dashboardQueries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(Repository.file(DASHBOARD).toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }

    @Test
    void everyPanelUsesTheProvisionedDatasource() throws IOException {
        JsonNode datasource = Repository.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
                .path("datasources").get(0);
        for (JsonNode panel : JSON.readTree(Repository.file(DASHBOARD).toFile()).path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                        .isEqualTo(datasource.path("uid").asText());
            }
        }
    }

    @Test
    void withoutPrometheusTheMetricNamesOfAQueryAreCheckedAgainstTheExposition() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(scorer_batch_size_bucket[1m])))"))
                .containsExactly("scorer_batch_size_bucket");
        assertThat(metricNames("sum(rate(scorer_batch_size_sum[1m])) / sum(rate(scorer_batch_size_count[1m]))"))
                .containsExactly("scorer_batch_size_sum", "scorer_batch_size_count");
        assertThat(metricNames("max by (instance, state) (scorer_streams_state) == 1"))
                .containsExactly("scorer_streams_state");
        assertThat(metricNames("up{job=~\"scorer|registry\"}")).containsExactly("up");
    }

    @Test
    void everyQueryReturnsASeriesFromALiveScorer() throws Exception {
        Path bundle = Cli.trainSmallBundle(Path.of("target", "test-bundles").toAbsolutePath());
        String prefix = "dashboard-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(), "schema.registry.url", stack.schemaRegistryUrl(),
                "application.id", prefix, "topic.images", prefix + ".images", "topic.scores", prefix + ".scores",
                "topic.alerts", prefix + ".alerts", "topic.dead.letters", prefix + ".dlq",
                "model.bundle", bundle.toString(), "http.port", "0"));
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("execution.provider", "cpu");
        try (ScorerApp scorer = ScorerApp.start(ScorerConfig.load(null, Map.of(), settings))) {
            scorer.awaitRunning(Duration.ofSeconds(60));
            Cli.produce(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix + ".images",
                    "mnist-10k-images-idx3-ubyte.gz", 200, "digit");
            Cli.produce(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix + ".images",
                    "fashion-mnist-test-images-idx3-ubyte.gz", 50, "fashion");
            publishBrokenRecord(prefix + ".images");
            awaitScored(scorer, 250);

            Tool prometheus = new Tool("prometheus");
            String scorerMetrics = "127.0.0.1:" + scorer.httpPort();
            String registryMetrics = URI.create(stack.schemaRegistryUrl()).getAuthority();
            Map<Query, Integer> seriesPerQuery = prometheus.path() != null
                    ? queryPrometheus(prometheus, scorerMetrics, registryMetrics, scorer)
                    : matchExposition(scorerMetrics, scorer.metrics().familyNames());

            List<String> missing = new ArrayList<>();
            seriesPerQuery.forEach((q, series) -> {
                String verdict = series > 0 ? "ok" : q.onlyOnGpuHosts() ? "none (GPU host only)" : "MISSING";
                System.out.printf("%-52s %3d series  %-20s %s%n", q.panel(), series, verdict, q.expr());
                if (series == 0 && !q.onlyOnGpuHosts()) {
                    missing.add(q.panel() + ": " + q.expr());
                }
            });
            assertThat(missing).as("queries that returned no series").isEmpty();
            assertThat(seriesPerQuery).hasSize(dashboardQueries().size());
        }
    }

    private static void publishBrokenRecord(String topic) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topic, "broken".getBytes(StandardCharsets.UTF_8),
                    "not an Avro record".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void awaitScored(ScorerApp scorer, int events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (scorer.metrics().scoredCount() < events && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(scorer.metrics().scoredCount()).as("events scored").isEqualTo(events);
    }

    /** Debian's Prometheus scraping the scorer (job scorer) and the registry (job registry) every second. */
    private Map<Query, Integer> queryPrometheus(Tool prometheus, String scorerTarget, String registryTarget,
            ScorerApp scorer) throws Exception {
        int port = FreePorts.pick(1)[0];
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: scorer
                    static_configs: [{targets: ["%s"]}]
                  - job_name: registry
                    static_configs: [{targets: ["%s"]}]
                """.formatted(scorerTarget, registryTarget));
        Process server = new ProcessBuilder(prometheus.path().toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            System.out.println("checking the dashboard's queries against " + prometheus.path());
            String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
            HttpClient http = HttpClient.newHttpClient();
            // Counters scraped twice after the last event, so rate() over them has two samples.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            double scored = scorer.metrics().scoredCount();
            while (System.nanoTime() < deadline
                    && seriesCount(http, api, "count_over_time(scorer_events_scored_total[1m]) >= 3") == 0) {
                Thread.sleep(500);
            }
            assertThat(firstValue(http, api, "sum(scorer_events_scored_total)")).isEqualTo(scored);
            Map<Query, Integer> result = new java.util.LinkedHashMap<>();
            for (Query q : dashboardQueries()) {
                result.put(q, seriesCount(http, api, q.expr()));
            }
            return result;
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode query(HttpClient http, String api, String expr) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(api + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as("Prometheus on %s: %s", expr, response.body()).isEqualTo("success");
        return body.path("data").path("result");
    }

    private static int seriesCount(HttpClient http, String api, String expr) {
        try {
            return query(http, api, expr).size();
        } catch (java.net.ConnectException notYet) {
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double firstValue(HttpClient http, String api, String expr) throws Exception {
        return query(http, api, expr).get(0).path("value").get(1).asDouble();
    }

    /**
     * Without Prometheus: every metric a query names must be in the scorer's exposition; where the
     * query itself allows for no series ({@code or vector(0)}), a sample name of a family the scorer
     * registered will do (a labelled counter has no line before its first event). Weaker (no PromQL
     * is evaluated), and said so in the output.
     */
    private static Map<Query, Integer> matchExposition(String scorerTarget, Set<String> families) throws Exception {
        System.out.println("prometheus is not installed: checking the metric names of each query against the "
                + "scorer's /metrics exposition and registered families instead of evaluating the queries");
        String exposition = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + scorerTarget + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Set<String> exposed = new LinkedHashSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exposed.add(line.split("[{ ]")[0]);
            }
        }
        exposed.add("up");
        Set<String> registered = new LinkedHashSet<>(exposed);
        for (String family : families) {
            for (String suffix : List.of("", "_total", "_bucket", "_sum", "_count")) {
                registered.add(family + suffix);
            }
        }
        Map<Query, Integer> result = new java.util.LinkedHashMap<>();
        for (Query q : dashboardQueries()) {
            Set<String> known = q.expr().contains("or vector(0)") ? registered : exposed;
            result.put(q, known.containsAll(metricNames(q.expr())) ? 1 : 0);
        }
        return result;
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?=\\s*(\\(|\\)|\\{|\\[|\\*|/|$|\\s))");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "and", "or", "unless",
            "bool", "group_left", "group_right", "offset");

    /** The metric names of a PromQL expression: identifiers that are not functions, keywords or labels. */
    static Set<String> metricNames(String expr) {
        String stripped = expr.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            String word = m.group();
            boolean function = stripped.substring(m.end()).stripLeading().startsWith("(");
            if (!function && !PROMQL_WORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }
}
