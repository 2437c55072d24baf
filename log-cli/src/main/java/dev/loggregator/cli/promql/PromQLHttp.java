package dev.loggregator.cli.promql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Target;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Log Cache's PromQL instant query ({@code GET /api/v1/query?query=}) with the stored token: the
 * answer's body and status, for the metrics command to print or to build its instance table from.
 */
public final class PromQLHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its HTTP status, and its JSON (null when the body is not JSON, e.g. a 404 without body). */
    public record Answer(int status, String body, JsonNode json) {
        /** The {@code data} of a successful answer, else null. */
        public JsonNode data() {
            return status == 200 && json != null && "success".equals(json.path("status").asText()) ? json.path("data") : null;
        }
    }

    private final Target target;
    private final Duration timeout;
    private final HttpClient client;

    public PromQLHttp(Target target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (target.tls().skipValidation()) {
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        }
        SSLContext context = target.tls().sslContext();
        if (context != null) {
            builder.sslContext(context);
        }
        this.client = builder.build();
    }

    public Answer query(String promql) {
        URI uri = target.http("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
        String authorization = target.tokens().authorization();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ConnectionProblems.forException(e, uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.OK, "interrupted");
        }
        JsonNode json;
        try {
            json = response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        return new Answer(response.statusCode(), response.body(), json);
    }

    /** The failure an answer means for a query the user typed. */
    public CliException failure(Answer answer, String promql) {
        URI uri = target.http("/api/v1/query");
        if (answer.status() == 501) {
            return new CliException(ExitCode.SERVER_ERROR, ConnectionProblems.origin(uri) + " has PromQL switched off (HTTP 501)");
        }
        if (answer.json() != null && answer.json().hasNonNull("error")) {
            return new CliException(answer.status() == 400 ? ExitCode.USAGE : ExitCode.SERVER_ERROR, "query '" + promql
                    + "' failed (" + answer.json().path("errorType").asText() + ", HTTP " + answer.status() + "): "
                    + answer.json().path("error").asText());
        }
        return ConnectionProblems.forStatus(answer.status(), answer.body(), uri,
                "no PromQL endpoint here, or you may not read a source id of the query");
    }
}
