package dev.loggregator.doppler.drains.binding;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.SyslogDrainsSection;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The binding provider: Cloud Controller's internal API as the binding cache polls it
 * ({@code binding/poller.go}, {@code ingress/api/client.go}): {@code GET {url}/internal/v5/syslog_drain_urls
 * ?batch_size=N&next_id=M}, answered with
 * {@code {"results":[{"url":..,"credentials":[{"cert":..,"key":..,"ca":..,"apps":[{"hostname":..,"app_id":..}]}]}],"next_id":M}},
 * page after page until {@code next_id} is 0; over mutual TLS when {@code tls} is configured.
 * Any failure fails the whole poll (the caller keeps what it had), as the poller does.
 */
public final class CloudControllerBindings {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /** A provider that keeps answering the same next_id would page forever. */
    private static final int MAX_PAGES = 100_000;

    private final SyslogDrainsSection.BindingProvider provider;
    private final HttpClient http;
    private final String base;

    public CloudControllerBindings(SyslogDrainsSection.BindingProvider provider) {
        this.provider = provider;
        this.base = provider.url().endsWith("/") ? provider.url().substring(0, provider.url().length() - 1) : provider.url();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(provider.timeoutSeconds()));
        if (provider.tls().configured() || provider.tls().ca() != null) {
            builder.sslContext(sslContext(provider));
        }
        this.http = builder.build();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(List<Result> results, @JsonProperty("next_id") long nextId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Result(String url, List<Credentials> credentials) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Credentials(String cert, String key, String ca, List<App> apps) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record App(String hostname, @JsonProperty("app_id") String appId) {
    }

    /** Every binding the provider has now, one per (app, URL, credentials). */
    public List<DrainBinding> fetch() throws IOException, InterruptedException {
        List<DrainBinding> bindings = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long nextId = 0;
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            Page page = page(nextId);
            if (page.results() != null) {
                for (Result result : page.results()) {
                    add(result, bindings);
                }
            }
            nextId = page.nextId();
            if (nextId == 0) {
                return bindings;
            }
            if (!seen.add(nextId)) {
                throw new IOException("the binding provider answered next_id " + nextId + " twice");
            }
        }
        throw new IOException("the binding provider answered more than " + MAX_PAGES + " pages");
    }

    private Page page(long nextId) throws IOException, InterruptedException {
        URI uri = URI.create(base + "/internal/v5/syslog_drain_urls?batch_size=" + provider.batchSize() + "&next_id=" + nextId);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(provider.timeoutSeconds())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("unexpected response from internal bindings endpoint " + uri + ": status code "
                    + response.statusCode());
        }
        try {
            return JSON.readValue(response.body(), Page.class);
        } catch (IOException e) {
            throw new IOException("failed to decode JSON from " + uri + ": " + e.getMessage(), e);
        }
    }

    /** The poller's checks: a result without credentials (hence without apps) binds nothing. */
    private static void add(Result result, List<DrainBinding> bindings) {
        if (result == null || result.url() == null || result.credentials() == null) {
            return;
        }
        for (Credentials credentials : result.credentials()) {
            if (credentials == null || credentials.apps() == null) {
                continue;
            }
            for (App app : credentials.apps()) {
                if (app == null || app.appId() == null || app.appId().isEmpty()) {
                    continue;
                }
                bindings.add(new DrainBinding(app.appId(), app.hostname(), result.url(), credentials.cert(),
                        credentials.key(), credentials.ca(), DrainBinding.Source.BINDING_PROVIDER));
            }
        }
    }

    private static javax.net.ssl.SSLContext sslContext(SyslogDrainsSection.BindingProvider provider) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (provider.tls().configured()) {
                builder.keyManager(new File(provider.tls().cert()), new File(provider.tls().key()));
            }
            if (provider.tls().ca() != null) {
                builder.trustManager(new File(provider.tls().ca()));
            }
            return ((JdkSslContext) builder.build()).context();
        } catch (IOException | IllegalArgumentException e) {
            throw new ManifestException("doppler.syslog_drains.binding_provider.tls: cannot use "
                    + provider.tls().cert() + " / " + provider.tls().key() + " / " + provider.tls().ca() + ": " + e.getMessage(), e);
        }
    }
}
