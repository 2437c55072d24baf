package dev.loggregator.cli.http;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.Notices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/**
 * The Traffic Controller's plain HTTP endpoints ({@code /apps/{app}/recentlogs} and
 * {@code /containermetrics}: a {@code multipart/x-protobuf} answer, one envelope per part;
 * {@code /drains}: JSON): GET with the token. A 401 fetches a fresh token from the token command once, as noaa's
 * TokenRefresher does. Parts that are not valid envelopes are skipped (as noaa does) and counted on stderr.
 */
public final class TrafficControllerHttp {
    private final Target target;
    private final Duration requestTimeout;
    private final Notices notices;

    public TrafficControllerHttp(Target target, Duration requestTimeout, Notices notices) {
        this.target = target;
        this.requestTimeout = requestTimeout;
        this.notices = notices;
    }

    /** GETs {@code path} and returns its envelopes in the order received. */
    public List<Envelope> envelopes(String path, String notFoundMessage) {
        URI uri = target.http(path);
        HttpResponse<byte[]> response = get(uri, notFoundMessage);
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String boundary = MultipartReader.boundaryOf(contentType);
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/") || boundary == null) {
            throw new CliException(ExitCode.SERVER_ERROR, "bad server response from " + ConnectionProblems.origin(uri)
                    + ": expected multipart/x-protobuf with a boundary, got '" + contentType + "'");
        }
        List<byte[]> parts;
        try {
            parts = MultipartReader.parts(response.body(), boundary);
        } catch (MalformedMultipartException e) {
            throw new CliException(ExitCode.SERVER_ERROR, "bad server response from " + ConnectionProblems.origin(uri) + ": " + e.getMessage(), e);
        }
        List<Envelope> envelopes = new ArrayList<>(parts.size());
        int unreadable = 0;
        for (byte[] part : parts) {
            try {
                envelopes.add(Envelope.parseFrom(part));
            } catch (IOException e) {
                unreadable++;
            }
        }
        if (unreadable > 0) {
            notices.say("skipped " + unreadable + " unreadable envelope" + (unreadable == 1 ? "" : "s") + " in the server's answer");
        }
        return envelopes;
    }

    /** GETs {@code path} (which may carry a query) and returns the body of its 200 answer. */
    public byte[] body(String path, String notFoundMessage) {
        return get(target.http(path), notFoundMessage).body();
    }

    /** A GET with the token, once more with a fresh token after a 401; anything but 200 is a CliException. */
    private HttpResponse<byte[]> get(URI uri, String notFoundMessage) {
        HttpClient client = client();
        HttpResponse<byte[]> response = send(client, uri);
        if (response.statusCode() == 401 && target.tokens().canRefresh()) {
            notices.say("token rejected; fetching a fresh one with the token command");
            target.tokens().refresh();
            response = send(client, uri);
        }
        if (response.statusCode() != 200) {
            throw ConnectionProblems.forStatus(response.statusCode(), new String(response.body(), java.nio.charset.StandardCharsets.UTF_8),
                    uri, notFoundMessage);
        }
        return response;
    }

    private HttpResponse<byte[]> send(HttpClient client, URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(requestTimeout);
        String authorization = target.tokens().authorization();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ConnectionProblems.forException(e, uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.OK, "interrupted");
        }
    }

    private HttpClient client() {
        return HttpClients.create(target.tls());
    }
}
