package dev.imageanomaly.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A stand-in for a schema registry that serves the few Confluent API calls the client makes
 * (register, look up, fetch by id) from an {@link InMemorySchemaRegistry}: over HTTPS with a
 * self-signed certificate made by the JDK's keytool, optionally behind HTTP basic auth, and able to
 * answer 503 for a while as a registry in trouble does. For tests of the client's TLS, auth and
 * retry behaviour without a registry server.
 */
public final class RegistryStandIn implements AutoCloseable {

    public static final String STORE_PASSWORD = "stand-in-secret";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final String expectedAuthorization;
    private final AtomicInteger unavailableAnswersLeft = new AtomicInteger();
    private final List<String> authorizationHeaders = Collections.synchronizedList(new ArrayList<>());
    private final Path trustStore;

    private RegistryStandIn(HttpServer server, String userInfo, Path trustStore) {
        this.server = server;
        this.expectedAuthorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.trustStore = trustStore;
        server.createContext("/", this::handle);
        server.start();
    }

    /** Plain HTTP, no auth. */
    public static RegistryStandIn http() throws IOException {
        return new RegistryStandIn(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0),
                null, null);
    }

    /** HTTPS with a fresh self-signed certificate for localhost and 127.0.0.1, and basic auth for {@code userInfo}. */
    public static RegistryStandIn https(Path workDir, String userInfo) throws Exception {
        Path keyStore = workDir.resolve("registry-key.p12");
        Path certificate = workDir.resolve("registry.pem");
        Path trustStore = workDir.resolve("registry-trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", keyStore.toString(),
                "-storepass", STORE_PASSWORD, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new RegistryStandIn(server, userInfo, trustStore);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://localhost:" + server.getAddress().getPort();
    }

    /** The PKCS12 truststore holding the server's certificate (password {@link #STORE_PASSWORD}). */
    public Path trustStore() {
        return trustStore;
    }

    /** The next {@code n} requests are answered 503, as by a registry whose storage is away. */
    public void answerUnavailable(int n) {
        unavailableAnswersLeft.set(n);
    }

    public List<String> authorizationHeaders() {
        return List.copyOf(authorizationHeaders);
    }

    public SchemaRegistry schemas() {
        return schemas;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            authorizationHeaders.add(String.valueOf(authorization));
            if (unavailableAnswersLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(ex, 503, "{\"error_code\":50301,\"message\":\"storage unavailable\"}");
                return;
            }
            if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                respond(ex, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
                int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
                try {
                    respond(ex, 200, JSON.createObjectNode().put("schema", schemas.schemaById(id).toString()).toString());
                } catch (SchemaRegistryException e) {
                    respond(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                }
                return;
            }
            if (ex.getRequestMethod().equals("POST") && path.startsWith("/subjects/")) {
                String rest = path.substring("/subjects/".length());
                boolean register = rest.endsWith("/versions");
                String subject = register ? rest.substring(0, rest.length() - "/versions".length()) : rest;
                JsonNode body = JSON.readTree(ex.getRequestBody());
                Schema schema = new Schema.Parser().parse(body.path("schema").asText());
                try {
                    int id = register ? schemas.register(subject, schema) : schemas.idOf(subject, schema);
                    respond(ex, 200, "{\"id\":" + id + "}");
                } catch (SchemaRegistryException e) {
                    respond(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                }
                return;
            }
            respond(ex, 404, "{\"error_code\":404,\"message\":\"no such endpoint in the stand-in\"}");
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
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
