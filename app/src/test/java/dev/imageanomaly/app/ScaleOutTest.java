package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three scorer instances (their own JVMs, one application id, static membership, a standby of the
 * buffer store) share a six-partition topic; one is SIGKILLed mid-stream and a fourth joins later.
 * Every input is accounted for on the scores or the dead-letter topic: exactly once under
 * exactly_once_v2, at least once (none lost) under at_least_once.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ScaleOutTest {

    private static final int PARTITIONS = 6;
    private static final int DIGITS = 2000;
    private static final int FASHION = 3980;
    private static final int BROKEN = 20;
    private static final double RATE = 200;

    private static EmbeddedStack stack;
    @RegisterExtension
    final ScorerProcesses scorers = new ScorerProcesses();

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void threeInstancesLoseOneAndGainOneAndEveryEventIsAccountedFor(String guarantee) throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("scale-" + guarantee.charAt(0));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.images(), PARTITIONS, (short) 1))).all().get();
        }
        try (OutputCollector out = topics.collector(stack); ImagePublisher publisher = topics.publisher(stack)) {
            for (int i = 1; i <= 3; i++) {
                start(topics, guarantee, i);
            }
            for (ScorerProcess scorer : scorers.started()) {
                scorer.awaitReady(Duration.ofSeconds(120));
            }
            MixedTraffic.Sent[] sent = new MixedTraffic.Sent[1];
            Thread publishing = new Thread(() -> {
                try {
                    sent[0] = new MixedTraffic(TestBundle.digits(), TestBundle.heldOutDigits(), TestBundle.fashion())
                            .fromCameras(24).publish(publisher, DIGITS, FASHION, BROKEN, RATE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "publisher");
            long began = System.currentTimeMillis();
            publishing.start();

            Thread.sleep(10_000);
            long killedAt = System.currentTimeMillis();
            scorers.started().get(1).kill();
            Thread.sleep(10_000);
            long joinedAt = System.currentTimeMillis();
            start(topics, guarantee, 4).awaitReady(Duration.ofSeconds(120));
            publishing.join();

            int expected = DIGITS + FASHION + BROKEN;
            assertThat(out.awaitOutcomes(expected, Duration.ofSeconds(240)))
                    .as("outcomes %d of %d", out.outcomes(), expected).isTrue();
            Thread.sleep(5000); // a duplicate would arrive in this window
            long end = System.currentTimeMillis();

            var ids = sent[0].anomalousTruth().keySet();
            Accounting all = Accounting.of("scale-out, " + guarantee, ids, BROKEN, out, began, end);
            Accounting kill = Accounting.of("  one of 3 instances SIGKILLed", ids, BROKEN, out, killedAt, joinedAt);
            Accounting join = Accounting.of("  a 4th instance joins", ids, BROKEN, out, joinedAt, joinedAt + 15_000);
            System.out.println(Accounting.header() + "\n" + all.row() + "\n" + kill.row() + "\n" + join.row());

            assertThat(all.lost()).as("lost").isZero();
            assertThat(out.deadLetters()).hasSizeGreaterThanOrEqualTo(BROKEN);
            if (guarantee.equals("exactly_once_v2")) {
                assertThat(all.duplicated()).as("duplicated").isZero();
                assertThat(out.deadLetters()).hasSize(BROKEN);
            }
        }
    }

    private ScorerProcess start(StreamTestTopics topics, String guarantee, int instance) throws Exception {
        Map<String, String> settings = topics.settings(stack, TestBundle.get(), guarantee, "-" + instance);
        settings.put("instance.id", "scorer-" + instance);
        return scorers.start(topics.prefix() + "-" + instance, settings, "512m");
    }
}
