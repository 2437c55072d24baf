package dev.loggregator.cli.http;

import dev.loggregator.cli.tls.TlsOptions;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** The JDK HTTP clients of every plain-HTTP request the CLI makes, with the endpoint's TLS options. */
public final class HttpClients {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private HttpClients() {
    }

    /**
     * HTTP/1.1 only: for http:// the JDK would otherwise ask to upgrade every request to h2c, an
     * {@code Upgrade} header a WebSocket-aware proxy in between must not mistake for a tunnel.
     */
    public static HttpClient create(TlsOptions tls) {
        if (tls.skipValidation()) {
            // java.net.http checks host names unless told otherwise; --skip-ssl-validation means no checks at all.
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT);
        SSLContext context = tls.sslContext();
        if (context != null) {
            builder.sslContext(context);
        }
        return builder.build();
    }
}
