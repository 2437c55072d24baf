package dev.loggregator.cli.logcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.http.HttpClients;
import dev.loggregator.cli.output.Notices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * Log Cache's HTTP API as go-log-cache's {@code client.go} (the one the cf CLI pins) uses it: first
 * {@code GET /api/v1/info}, whose version picks the prefix ({@code /api/v1} from 2.0.0 on; a 404
 * means a Log Cache older than that, read under {@code /v1}), then {@code GET <prefix>/read/<source>}
 * with the token as {@code Authorization}. Answers are parsed strictly ({@link ReadResponses}). Log
 * Cache answers every authorisation failure, an expired token too, with an empty 404: with a token
 * command, a 404 therefore fetches a fresh token once before it counts.
 */
public final class LogCacheClient {
    /** What the endpoint said about Log Cache at {@code /api/v1/info}. */
    public enum Api {
        /** Version 2.0.0 or later: {@code /api/v1}. */
        CURRENT,
        /** 404: an older Log Cache under {@code /v1}, as go-log-cache assumes, or no Log Cache at all. */
        LEGACY_OR_NONE,
        /** Another answer: no Log Cache that this client can read. */
        NONE
    }

    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Target target;
    private final URI base;
    private final Duration timeout;
    private final Notices notices;
    private final String notFoundMessage;
    private HttpClient client;
    private Api api;

    /**
     * @param base            Log Cache's http(s) address, without a path
     * @param notFoundMessage what a 404 to a read means (e.g. "app 'x' not found, or you may not read its logs")
     */
    public LogCacheClient(Target target, URI base, Duration timeout, Notices notices, String notFoundMessage) {
        this.target = target;
        this.base = base;
        this.timeout = timeout;
        this.notices = notices;
        this.notFoundMessage = notFoundMessage;
    }

    /** Reads {@code /api/v1/info} once. */
    public synchronized Api api() {
        if (api == null) {
            URI uri = uri("/api/v1/info");
            HttpResponse<String> info = send(uri, false);
            api = switch (info.statusCode()) {
                case 200 -> checkVersion(info.body(), uri);
                case 404 -> Api.LEGACY_OR_NONE;
                default -> Api.NONE;
            };
        }
        return api;
    }

    private static Api checkVersion(String body, URI uri) {
        String version;
        try {
            JsonNode info = JSON.readTree(body);
            version = info == null ? null : info.path("version").asText(null);
        } catch (IOException e) {
            version = null;
        }
        Matcher semver = version == null ? null : SEMVER.matcher(version);
        if (semver == null || !semver.matches()) {
            throw new CliException(ExitCode.SERVER_ERROR, "bad Log Cache answer from " + ConnectionProblems.origin(uri)
                    + ": /api/v1/info has no semantic version: " + oneLine(body));
        }
        // go-log-cache reads a 1.x answer as the old API too.
        return Integer.parseInt(semver.group(1)) >= 2 ? Api.CURRENT : Api.LEGACY_OR_NONE;
    }

    /** The envelopes of one {@code read} request, in the order Log Cache sent them. */
    public List<Envelope> read(String sourceId, ReadRequest request) {
        String prefix = api() == Api.CURRENT ? "/api/v1" : "/v1";
        URI uri = uri(prefix + "/read/" + dev.loggregator.cli.config.Endpoints.segment(sourceId) + "?" + request.query());
        // A 404 under the old prefix may just mean no Log Cache here: only a known Log Cache's 404 may be the token.
        HttpResponse<String> response = send(uri, api() == Api.CURRENT);
        if (response.statusCode() != 200) {
            throw new LogCacheStatus(response.statusCode(), status(response, uri));
        }
        try {
            return ReadResponses.envelopes(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCode.SERVER_ERROR, "bad Log Cache answer from " + ConnectionProblems.origin(uri)
                    + ": " + oneLine(e.getMessage()), e);
        }
    }

    private CliException status(HttpResponse<String> response, URI uri) {
        if (response.statusCode() == 404) {
            return new CliException(ExitCode.NOT_FOUND, notFoundMessage + " (HTTP 404 from Log Cache at " + ConnectionProblems.origin(uri)
                    + "; Log Cache answers 404 to a missing or expired token too)");
        }
        return ConnectionProblems.forStatus(response.statusCode(), response.body(), uri, notFoundMessage);
    }

    private HttpResponse<String> send(URI uri, boolean refreshOn404) {
        HttpResponse<String> response = sendOnce(uri);
        boolean refusal = response.statusCode() == 401 || response.statusCode() == 403 || (refreshOn404 && response.statusCode() == 404);
        if (refusal && target.tokens().canRefresh()) {
            notices.say("Log Cache refused the token (HTTP " + response.statusCode() + "); fetching a fresh one with the token command");
            target.tokens().refresh();
            response = sendOnce(uri);
        }
        return response;
    }

    private HttpResponse<String> sendOnce(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout).header("Accept", "application/json");
        String authorization = target.tokens().authorization();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return client().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ConnectionProblems.forException(e, uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.OK, "interrupted");
        }
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClients.create(target.tls());
        }
        return client;
    }

    private URI uri(String pathAndQuery) {
        return URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
    }

    private static String oneLine(String text) {
        String flat = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }

    /** A read answered with another status than 200; {@link #status()} tells which (429 asks for a smaller limit). */
    public static final class LogCacheStatus extends CliException {
        private static final long serialVersionUID = 1L;
        private final int status;

        LogCacheStatus(int status, CliException problem) {
            super(problem.exitCode(), problem.getMessage());
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
