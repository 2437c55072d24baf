package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.wire.drains.DrainReport;
import dev.loggregator.wire.framing.EnvelopeBatch;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every Doppler at once for an app's recent logs or container metrics (one batch body
 * each, docs/internal-protocol.md) and gathers what arrives within the timeout. A Doppler that
 * fails or is slow is left out; the caller learns how many answered.
 */
public final class DopplerQueries {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerQueries.class);

    /** Envelopes from every Doppler that answered, in Doppler order. */
    public record Gathered(List<byte[]> envelopes, int answered, int asked) {
    }

    private final DopplerDirectory directory;
    private final HttpClient http;
    private final int maxEnvelopeBytes;
    private final Duration timeout;
    private final DopplerCredentials credentials;

    public DopplerQueries(DopplerDirectory directory, HttpClient http, int maxEnvelopeBytes, Duration timeout,
                          DopplerCredentials credentials) {
        this.credentials = credentials;
        this.directory = directory;
        this.http = http;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
        this.timeout = timeout;
    }

    public CompletableFuture<Gathered> recentLogs(String appId) {
        return gather("/apps/" + encode(appId) + "/recentlogs");
    }

    public CompletableFuture<Gathered> containerMetrics(String appId) {
        return gather("/apps/" + encode(appId) + "/containermetrics");
    }

    private CompletableFuture<Gathered> gather(String path) {
        List<DopplerAddress> dopplers = new ArrayList<>(directory.current());
        List<CompletableFuture<List<byte[]>>> answers = new ArrayList<>();
        for (DopplerAddress doppler : dopplers) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(doppler.base("http") + path)).timeout(timeout);
            credentials.headers().forEach(builder::header);
            HttpRequest request = builder.GET().build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("status " + response.statusCode());
                        }
                        return EnvelopeBatch.decode(response.body(), maxEnvelopeBytes);
                    })
                    .exceptionally(e -> {
                        LOG.warn("Doppler {} did not answer {}: {}", doppler, path, e.toString());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<byte[]> envelopes = new ArrayList<>();
            int answered = 0;
            for (CompletableFuture<List<byte[]>> answer : answers) {
                List<byte[]> batch = answer.join();
                if (batch != null) {
                    answered++;
                    envelopes.addAll(batch);
                }
            }
            return new Gathered(envelopes, answered, dopplers.size());
        });
    }

    /**
     * Every Doppler's syslog drain report ({@code GET /drains[?app=ID]} on its internal port), as they
     * answer within the timeout; a Doppler that fails is left out and counted as not answering.
     */
    public CompletableFuture<DrainReport.Gathered> drains(String appId) {
        String path = "/drains" + (appId == null ? "" : "?app=" + encode(appId));
        List<DopplerAddress> dopplers = new ArrayList<>(directory.current());
        List<CompletableFuture<DrainReport>> answers = new ArrayList<>();
        for (DopplerAddress doppler : dopplers) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(doppler.base("http") + path)).timeout(timeout).GET().build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("status " + response.statusCode());
                        }
                        try {
                            return DrainReport.fromJson(response.body());
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException("not a drain report: " + e.getMessage(), e);
                        }
                    })
                    .exceptionally(e -> {
                        LOG.warn("Doppler {} did not answer {}: {}", doppler, path, e.toString());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<DrainReport> reports = answers.stream().map(CompletableFuture::join).filter(r -> r != null).toList();
            return new DrainReport.Gathered(dopplers.size(), reports.size(), reports);
        });
    }

    /** A path segment, percent-encoded (URLEncoder is for forms: it writes spaces as '+'). */
    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
