package dev.imageanomaly.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsComeFromOutsideTheRangeOutgoingConnectionsDrawFrom() throws IOException {
        // An outgoing connection's own port is an ephemeral one.
        int ephemeral;
        try (ServerSocket server = new ServerSocket(0); Socket client = new Socket("127.0.0.1", server.getLocalPort())) {
            ephemeral = client.getLocalPort();
        }
        int[] range = FreePorts.range();

        assertThat(ephemeral).satisfiesAnyOf(port -> assertThat(port).isLessThan(range[0]),
                port -> assertThat(port).isGreaterThanOrEqualTo(range[1]));
        assertThat(Arrays.stream(FreePorts.pick(20)).boxed())
                .allSatisfy(port -> assertThat(port).isBetween(range[0], range[1] - 1));
    }

    @Test
    void aPortIsNeverHandedOutTwiceAndCanBeListenedOnByAll() throws IOException {
        int[] first = FreePorts.pick(50);
        int[] second = FreePorts.pick(50);

        assertThat(Arrays.stream(first).boxed()).doesNotContainAnyElementsOf(Arrays.stream(second).boxed().toList())
                .doesNotHaveDuplicates();
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(first[0]));
            assertThat(listener.getLocalPort()).isEqualTo(first[0]);
        }
    }
}
