package dev.imageanomaly.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Picks free TCP ports for child processes to listen on, outside the kernel's ephemeral range. A
 * port the kernel hands out for binding port 0 comes from the range it also draws from for every
 * outgoing connection, and in the seconds before a child binds it any client in this machine may
 * take it (seen: a scorer that could not open its HTTP port in CI). Outside that range only an
 * explicit bind can take a port; this JVM never hands out the same one twice.
 */
public final class FreePorts {

    /** Where the ports are looked for when the ephemeral range lies higher (Linux: 32768-60999). */
    private static final int LOWEST = 20_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Below Linux's default range, and below the 49152- of macOS and Windows where /proc is absent. */
    private static final int DEFAULT_EPHEMERAL_LOW = 32_768;

    private static final Set<Integer> handedOut = new HashSet<>();
    private static final Random random = new Random();

    private FreePorts() {
    }

    /** Returns {@code count} distinct ports that were free on every interface just now. */
    public static synchronized int[] pick(int count) {
        int[] range = range();
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = pickOne(range[0], range[1]);
        }
        return ports;
    }

    /** The ports to pick from, [low, high): below the ephemeral range, or above it if too little is below. */
    static int[] range() {
        int ephemeralLow = DEFAULT_EPHEMERAL_LOW;
        int ephemeralHigh = 60_999;
        try {
            String[] bounds = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            ephemeralLow = Integer.parseInt(bounds[0]);
            ephemeralHigh = Integer.parseInt(bounds[1]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the default, below every usual ephemeral range
        }
        if (ephemeralLow - LOWEST >= 1_000) {
            return new int[] {LOWEST, ephemeralLow};
        }
        if (65_535 - ephemeralHigh >= 1_000) {
            return new int[] {ephemeralHigh + 1, 65_536};
        }
        return new int[] {1_024, 65_536}; // the whole range is ephemeral: no port is safe, any free one will do
    }

    private static int pickOne(int low, int high) {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = low + random.nextInt(high - low);
            if (!handedOut.contains(port) && isFree(port)) {
                handedOut.add(port);
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free port in " + low + "-" + (high - 1)));
    }

    /** Free on every interface: the scorer listens on all of them, the broker and registry on loopback. */
    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
