package dev.imageanomaly.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach a schema registry, under the configuration keys Confluent's clients use, so an
 * existing client configuration works unchanged: the URL, HTTP basic auth
 * ({@code basic.auth.credentials.source} USER_INFO with {@code basic.auth.user.info=user:password},
 * or URL with the credentials in the URL), and TLS with a truststore for a registry whose certificate
 * no public CA signed. Plus how long a request may wait for a registry that does not answer.
 * {@link #toString()} never shows a secret.
 *
 * @param basicAuthUserInfo {@code user:password}, or null for no authentication
 * @param trustStoreLocation a PKCS12 or JKS file, or null for the JDK's default trust
 * @param maxWait how long one call retries, with backoff, while the registry does not answer (or
 *     answers 5xx) before it fails; zero fails at once
 */
public record SchemaRegistrySettings(String url, Duration requestTimeout, Duration maxWait, String basicAuthUserInfo,
        String trustStoreLocation, String trustStorePassword, String trustStoreType) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    /** Not a Confluent key: this client waits out a registry outage instead of failing the first call. */
    public static final String MAX_WAIT_MS = "schema.registry.max.wait.ms";

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(60);

    /** A registry at {@code url} (credentials in it are used for basic auth), default timeouts, JDK trust. */
    public static SchemaRegistrySettings of(String url) {
        return fromConfig(Map.of(URL, url));
    }

    /** From Confluent-style client configuration keys (see the constants). */
    public static SchemaRegistrySettings fromConfig(Map<String, ?> configs) {
        String url = text(configs, URL);
        if (url == null) {
            throw new ConfigException(URL + " is required");
        }
        url = url.split(",")[0].trim();
        String source = Optional.ofNullable(text(configs, BASIC_AUTH_CREDENTIALS_SOURCE)).orElse("URL");
        String userInfo;
        switch (source.toUpperCase(java.util.Locale.ROOT)) {
            case "USER_INFO" -> {
                userInfo = text(configs, BASIC_AUTH_USER_INFO);
                if (userInfo == null || !userInfo.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO + " must be user:password when "
                            + BASIC_AUTH_CREDENTIALS_SOURCE + " is USER_INFO");
                }
            }
            case "URL" -> userInfo = URI.create(url).getRawUserInfo() == null ? null
                    : URLDecoder.decode(URI.create(url).getRawUserInfo(), StandardCharsets.UTF_8);
            default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "must be USER_INFO or URL");
        }
        String maxWait = text(configs, MAX_WAIT_MS);
        return new SchemaRegistrySettings(withoutUserInfo(url), DEFAULT_REQUEST_TIMEOUT,
                maxWait == null ? DEFAULT_MAX_WAIT : Duration.ofMillis(Long.parseLong(maxWait)), userInfo,
                text(configs, TRUSTSTORE_LOCATION), text(configs, TRUSTSTORE_PASSWORD),
                Optional.ofNullable(text(configs, TRUSTSTORE_TYPE)).orElse("PKCS12"));
    }

    public SchemaRegistrySettings withMaxWait(Duration wait) {
        return new SchemaRegistrySettings(url, requestTimeout, wait, basicAuthUserInfo, trustStoreLocation,
                trustStorePassword, trustStoreType);
    }

    public SchemaRegistrySettings withRequestTimeout(Duration timeout) {
        return new SchemaRegistrySettings(url, timeout, maxWait, basicAuthUserInfo, trustStoreLocation,
                trustStorePassword, trustStoreType);
    }

    /** The {@code Authorization} header value, when basic auth is configured. */
    Optional<String> authorization() {
        return Optional.ofNullable(basicAuthUserInfo).map(info -> "Basic "
                + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    /** The TLS context trusting the configured truststore, or the JDK default. */
    SSLContext sslContext() {
        try {
            if (trustStoreLocation == null) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(trustStoreType);
            try (InputStream in = Files.newInputStream(Path.of(trustStoreLocation))) {
                store.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(TRUSTSTORE_LOCATION, trustStoreLocation,
                    "cannot be read as a " + trustStoreType + " truststore: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "SchemaRegistrySettings[url=" + url + ", basicAuth=" + (basicAuthUserInfo == null ? "none"
                : basicAuthUserInfo.substring(0, basicAuthUserInfo.indexOf(':')) + ":[hidden]")
                + ", truststore=" + (trustStoreLocation == null ? "JDK default" : trustStoreLocation + " (" + trustStoreType
                + ", password " + (trustStorePassword == null ? "none" : "[hidden]") + ")")
                + ", requestTimeout=" + requestTimeout + ", maxWait=" + maxWait + "]";
    }

    private static String text(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            return null;
        }
        String text = value instanceof org.apache.kafka.common.config.types.Password p ? p.value() : value.toString();
        return text.isBlank() ? null : text.trim();
    }

    private static String withoutUserInfo(String url) {
        URI uri = URI.create(url);
        if (uri.getRawUserInfo() == null) {
            return url;
        }
        return url.replace(uri.getRawUserInfo() + "@", "");
    }
}
