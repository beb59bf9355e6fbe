package dev.imageanomaly.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.schemas.avro.AnomalyScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reaching a registry as production does: over TLS with a certificate from the operator's own CA
 * (a truststore), with HTTP basic auth, configured with Confluent's own client keys; and waiting out
 * a registry that is briefly away instead of failing the first call.
 */
class SchemaRegistryClientAccessTest {

    private static final Schema SCHEMA = AnomalyScore.getClassSchema();

    @Nested
    class TlsAndBasicAuth {

        @TempDir
        Path dir;

        @Test
        void confluentStyleKeysReachAnHttpsRegistryWithASelfSignedCertificateAndBasicAuth() throws Exception {
            try (RegistryStandIn registry = RegistryStandIn.https(dir, "scorer:s3cret-pass")) {
                SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.fromConfig(Map.of(
                        "schema.registry.url", registry.url(),
                        "basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "scorer:s3cret-pass",
                        "schema.registry.ssl.truststore.location", registry.trustStore().toString(),
                        "schema.registry.ssl.truststore.password", RegistryStandIn.STORE_PASSWORD)));

                int id = client.register("scores-value", SCHEMA);

                assertThat(new SchemaRegistryClient(SchemaRegistrySettings.fromConfig(Map.of(
                        "schema.registry.url", registry.url().replace("https://", "https://scorer:s3cret-pass@"),
                        "schema.registry.ssl.truststore.location", registry.trustStore().toString(),
                        "schema.registry.ssl.truststore.password", RegistryStandIn.STORE_PASSWORD)))
                        .schemaById(id)).as("credentials in the URL work too").isEqualTo(SCHEMA);
                assertThat(registry.authorizationHeaders()).allMatch(h -> h.equals("Basic "
                        + Base64.getEncoder().encodeToString("scorer:s3cret-pass".getBytes())));
            }
        }

        @Test
        void withoutTheTruststoreTheSelfSignedCertificateIsRefused() throws Exception {
            try (RegistryStandIn registry = RegistryStandIn.https(dir, "scorer:s3cret-pass")) {
                SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.fromConfig(Map.of(
                        "schema.registry.url", registry.url(), "basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "scorer:s3cret-pass")).withMaxWait(Duration.ZERO));

                assertThatThrownBy(() -> client.register("scores-value", SCHEMA))
                        .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("did not answer");
                assertThat(registry.authorizationHeaders()).as("no request got through").isEmpty();
            }
        }

        @Test
        void aWrongPasswordIsRefusedAtOnceAndNotRetried() throws Exception {
            try (RegistryStandIn registry = RegistryStandIn.https(dir, "scorer:s3cret-pass")) {
                SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.fromConfig(Map.of(
                        "schema.registry.url", registry.url(), "basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "scorer:wrong",
                        "schema.registry.ssl.truststore.location", registry.trustStore().toString(),
                        "schema.registry.ssl.truststore.password", RegistryStandIn.STORE_PASSWORD)));

                assertThatThrownBy(() -> client.register("scores-value", SCHEMA))
                        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.isTransient()).isFalse();
                        });
                assertThat(registry.authorizationHeaders()).hasSize(1);
            }
        }

        @Test
        void theSettingsNeverShowASecret() {
            SchemaRegistrySettings settings = SchemaRegistrySettings.fromConfig(Map.of(
                    "schema.registry.url", "https://registry:8081", "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", "scorer:s3cret-pass",
                    "schema.registry.ssl.truststore.location", "/etc/trust.p12",
                    "schema.registry.ssl.truststore.password", "trust-secret"));
            SchemaRegistrySettings inUrl = SchemaRegistrySettings.of("https://scorer:s3cret-pass@registry:8081");

            assertThat(settings.toString()).contains("scorer:[hidden]").doesNotContain("s3cret").doesNotContain("trust-secret");
            assertThat(inUrl.toString()).doesNotContain("s3cret");
            assertThat(inUrl.url()).isEqualTo("https://registry:8081");
        }
    }

    @Nested
    class Outage {

        @Test
        void aCallWaitsWithBackoffWhileTheRegistryAnswers503AndSucceedsWhenItRecovers() throws Exception {
            try (RegistryStandIn registry = RegistryStandIn.http()) {
                List<Duration> waits = new ArrayList<>();
                int[] answered = {0};
                SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.of(registry.url()),
                        new SchemaRegistryClient.Availability() {
                            @Override
                            public void waiting(String action, Duration waited, SchemaRegistryException cause) {
                                waits.add(waited);
                            }

                            @Override
                            public void answered() {
                                answered[0]++;
                            }
                        });
                registry.answerUnavailable(3);

                int id = client.register("scores-value", SCHEMA);

                assertThat(client.schemaById(id)).isEqualTo(SCHEMA);
                assertThat(waits).hasSize(3).isSorted();
                assertThat(waits.get(2)).as("100 + 200 ms of backoff before the third retry")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
                assertThat(answered[0]).isEqualTo(1);
            }
        }

        @Test
        void aCallGivesUpAsTransientOnceItsMaxWaitIsSpent() throws Exception {
            try (RegistryStandIn registry = RegistryStandIn.http()) {
                registry.answerUnavailable(1000);
                SchemaRegistryClient client = new SchemaRegistryClient(
                        SchemaRegistrySettings.of(registry.url()).withMaxWait(Duration.ofMillis(700)));
                long start = System.nanoTime();

                assertThatThrownBy(() -> client.register("scores-value", SCHEMA))
                        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue());
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700), Duration.ofSeconds(3));
            }
        }

        @Test
        void schemasSeenBeforeAreServedFromTheCacheWhileTheRegistryIsAway() throws Exception {
            try (RegistryStandIn registry = RegistryStandIn.http()) {
                SchemaRegistryClient client = new SchemaRegistryClient(
                        SchemaRegistrySettings.of(registry.url()).withMaxWait(Duration.ZERO));
                int id = client.register("scores-value", SCHEMA);
                registry.answerUnavailable(1000);

                assertThat(client.schemaById(id)).isEqualTo(SCHEMA);
                assertThat(client.register("scores-value", SCHEMA)).isEqualTo(id);
            }
        }
    }
}
