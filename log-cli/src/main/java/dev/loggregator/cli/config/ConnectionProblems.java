package dev.loggregator.cli.config;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLException;

/** Turns what went wrong talking to the endpoint (an HTTP status or an exception) into one clear line and exit code. */
public final class ConnectionProblems {
    static final String TLS_HINT = "if the endpoint uses a self-signed or private CA certificate, pass --ca FILE "
            + "(or --skip-ssl-validation to skip verification; insecure)";

    private ConnectionProblems() {
    }

    /**
     * @param notFound what a 404 means for this request, e.g. "app 'x' not found, or you may not read its logs"
     */
    public static CliException forStatus(int status, String body, URI uri, String notFound) {
        String detail = body == null || body.isBlank() ? "" : ": " + oneLine(body);
        return switch (status) {
            case 401, 403 -> new CliException(ExitCode.UNAUTHORIZED, "not authorized by " + origin(uri) + " (HTTP " + status
                    + detail + "); run `logs login` to store a fresh token");
            case 404 -> new CliException(ExitCode.NOT_FOUND, notFound + " (HTTP 404 from " + origin(uri) + ")");
            default -> new CliException(ExitCode.SERVER_ERROR, origin(uri) + " answered HTTP " + status + " to " + uri.getRawPath() + detail);
        };
    }

    public static CliException forException(Throwable failure, URI uri) {
        String where = origin(uri);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return new CliException(ExitCode.TLS, "TLS handshake with " + where + " failed (" + oneLine(cause.getMessage())
                        + "); " + TLS_HINT, failure);
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                String reason = cause.getMessage() == null ? "connection refused" : oneLine(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
                return new CliException(ExitCode.UNREACHABLE, "cannot reach " + where + ": " + reason, failure);
            }
            if (cause instanceof UnknownHostException) {
                return new CliException(ExitCode.UNREACHABLE, "cannot reach " + where + ": unknown host " + uri.getHost(), failure);
            }
            if (cause instanceof HttpConnectTimeoutException || cause instanceof SocketTimeoutException) {
                return new CliException(ExitCode.UNREACHABLE, "cannot reach " + where + ": connection timed out", failure);
            }
            if (cause instanceof HttpTimeoutException) {
                return new CliException(ExitCode.TIMEOUT, "no answer from " + where + " in time", failure);
            }
        }
        return new CliException(ExitCode.UNREACHABLE, "connection to " + where + " failed: " + oneLine(String.valueOf(failure.getMessage())), failure);
    }

    /** scheme://host:port, how messages name the endpoint. */
    public static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static String oneLine(String text) {
        String flat = text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
