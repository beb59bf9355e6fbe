package dev.imageanomaly.stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the scorer makes progress), {@code /health/ready} (streams running and a
 * model loaded) and {@code /metrics} (Prometheus text format), on the JDK's own HTTP server.
 */
public final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;

    /** A health check: whether it passes, and a line saying why. */
    public record Check(BooleanSupplier passes, Supplier<String> detail) {}

    public HttpEndpoints(String bindAddress, int port, ScorerMetrics metrics, Check live, Check ready)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http-endpoints");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health/live", ex -> respond(ex, live, "live", "not live"));
        server.createContext("/health/ready", ex -> respond(ex, ready, "ready", "not ready"));
        server.createContext("/metrics", ex -> {
            ex.getResponseHeaders().set("Content-Type", metrics.contentType());
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                metrics.write(out);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, Check check, String passed, String failed) throws IOException {
        boolean ok = check.passes().getAsBoolean();
        respond(ex, ok ? 200 : 503, "text/plain", (ok ? passed : failed) + ": " + check.detail().get() + "\n");
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
