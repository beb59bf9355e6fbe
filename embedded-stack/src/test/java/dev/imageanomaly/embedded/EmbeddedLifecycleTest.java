package dev.imageanomaly.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starting, killing and closing: each test owns its servers. */
class EmbeddedLifecycleTest {

    @Test
    void killStopsTheBrokerAbruptly() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            ProcessHandle broker = kafka.process();
            assertThat(broker.isAlive()).isTrue();

            long began = System.nanoTime();
            kafka.kill();

            assertThat(broker.isAlive()).isFalse();
            assertThat(kafka.isRunning()).isFalse();
            // a controlled shutdown takes seconds; SIGKILL does not wait for the broker
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(3));
            // the broker logs "[BrokerServer id=1] shut down completed" on a graceful stop, never on a kill
            String log = ChildJvm.tail(kafka.logFile(), 10_000);
            assertThat(log).contains("Kafka Server started").doesNotContain("shut down completed");
        }
    }

    @Test
    void closeLeavesNoChildProcessAndNoDataBehind() {
        EmbeddedStack stack = EmbeddedStack.start();
        List<ProcessHandle> children = List.of(stack.kafka().process(), stack.registry().process());
        Path kafkaDir = stack.kafka().logFile().getParent();
        Path registryDir = stack.registry().logFile().getParent();
        assertThat(children).allMatch(ProcessHandle::isAlive);

        stack.close();

        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid))
                .doesNotContainAnyElementsOf(children.stream().map(ProcessHandle::pid).toList());
        assertThat(kafkaDir).doesNotExist();
        assertThat(registryDir).doesNotExist();
    }

    @Test
    void brokerThatCannotStartFailsWithItsLogTail() {
        EmbeddedKafka.Settings broken = EmbeddedKafka.Settings.defaults()
                .withBrokerProperty("process.roles", "not-a-role")
                .withStartupTimeout(Duration.ofSeconds(30));

        assertThatThrownBy(() -> EmbeddedKafka.start(broken))
                .isInstanceOf(EmbeddedStackException.class)
                .hasMessageContaining("format.log")
                .hasMessageContaining("not-a-role");
    }

    @Test
    void childClasspathContainsTheBroker() throws Exception {
        String classpath = EmbeddedKafka.childClasspath();

        assertThat(classpath).isNotBlank();
        assertThat(Files.exists(Path.of(classpath.split(java.io.File.pathSeparator)[0]))).isTrue();
    }
}
