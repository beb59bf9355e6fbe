package dev.imageanomaly.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.ImageEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Against the real Apicurio registry's Confluent API, which starts with global compatibility BACKWARD. */
@ExtendWith(EmbeddedStackExtension.class)
class SchemaRegistryClientTest {

    private static String registryUrl;

    @BeforeAll
    static void sharedStack(EmbeddedStack stack) {
        registryUrl = stack.schemaRegistryUrl();
    }

    @Test
    void registersASchemaAndFetchesItBackById() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String subject = SampleRecords.uniqueTopic("client") + "-value";

        int id = client.register(subject, ImageEvent.getClassSchema());

        Schema fetched = new SchemaRegistryClient(registryUrl).schemaById(id);
        assertThat(fetched).isEqualTo(ImageEvent.getClassSchema());
    }

    @Test
    void registeringTheSameSchemaAgainGivesTheSameId() {
        String subject = SampleRecords.uniqueTopic("same") + "-value";
        int first = new SchemaRegistryClient(registryUrl).register(subject, AnomalyScore.getClassSchema());

        // a second client has no cache: the registry itself must answer with the existing id
        int second = new SchemaRegistryClient(registryUrl).register(subject, AnomalyScore.getClassSchema());
        int lookedUp = new SchemaRegistryClient(registryUrl).idOf(subject, AnomalyScore.getClassSchema());

        assertThat(second).isEqualTo(first);
        assertThat(lookedUp).isEqualTo(first);
    }

    @Test
    void aNewRequiredFieldIsRefusedAsIncompatibleWithTheRegistrysMessage() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String subject = SampleRecords.uniqueTopic("required") + "-value";
        client.register(subject, ImageEvent.getClassSchema());
        Schema withRequiredField = SampleRecords.imageEventWith("{\"name\":\"cameraModel\",\"type\":\"string\"}");

        assertThatThrownBy(() -> client.register(subject, withRequiredField))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.status()).isEqualTo(409);
                })
                .hasMessageContaining("register schema dev.imageanomaly.schemas.avro.ImageEvent under subject " + subject)
                .hasMessageContaining("HTTP 409");
    }

    @Test
    void aFieldTypeChangeIsRefusedAsIncompatible() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String subject = SampleRecords.uniqueTopic("type-change") + "-value";
        client.register(subject, ImageEvent.getClassSchema());
        Schema sourceAsInt = SampleRecords.imageEventWith("{\"name\":\"source\",\"type\":\"int\"}");

        assertThatThrownBy(() -> client.register(subject, sourceAsInt))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue());
    }

    @Test
    void aSubjectSetToForwardAcceptsTheNewRequiredFieldThatBackwardRefuses() {
        // FORWARD rather than NONE: Apicurio implements a subject's NONE by removing the subject's
        // rule, so the global BACKWARD applies again; Confluent would accept NONE here too.
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String subject = SampleRecords.uniqueTopic("forward") + "-value";
        int v1 = client.register(subject, ImageEvent.getClassSchema());

        client.setCompatibility(subject, CompatibilityLevel.FORWARD);
        int v2 = client.register(subject, SampleRecords.imageEventWith("{\"name\":\"cameraModel\",\"type\":\"string\"}"));

        assertThat(v2).isNotEqualTo(v1);
    }

    @Test
    void anUnknownIdIsNotFound() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);

        assertThatThrownBy(() -> client.schemaById(987_654_321))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageContaining("fetch schema id 987654321");
    }

    @Test
    void anUnregisteredSchemaHasNoId() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String subject = SampleRecords.uniqueTopic("unregistered") + "-value";
        client.register(subject, ImageEvent.getClassSchema());

        assertThatThrownBy(() -> client.idOf(subject, AnomalyScore.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
    }

    @Test
    void aRegistryThatDoesNotAnswerIsATransientFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.of("http://127.0.0.1:" + closedPort)
                .withRequestTimeout(Duration.ofSeconds(2)).withMaxWait(Duration.ZERO));

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isZero();
                })
                .hasMessageContaining("did not answer");
    }
}
