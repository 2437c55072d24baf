package dev.loggregator.cli.emit;

import com.google.protobuf.ByteString;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.wire.ingress.IngressUnavailableException;
import dev.loggregator.wire.ingress.V2IngressClient;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * Sends log lines to a Doppler as a Loggregator agent would: a v2 {@code Ingress/BatchSender}
 * stream, batches of up to 100 envelopes, respecting gRPC flow control so a large stdin never
 * piles up in memory. Each line becomes one log envelope with its own, strictly increasing
 * timestamp, so the lines keep their order in recent logs and tails.
 */
public final class IngressEmitter implements AutoCloseable {
    static final int BATCH_SIZE = 100;

    /** Where lines come from: {@code next()} blocks for a line (null at the end); {@code ready()} says one is waiting. */
    public interface Lines {
        String next() throws IOException;

        boolean ready() throws IOException;
    }

    /** What every envelope carries besides its text. */
    public record LogTemplate(String appId, String sourceType, String instance, boolean err) {
    }

    /** Optional TLS towards the Doppler's gRPC port (with a client certificate for mutual TLS). */
    public record DopplerTls(Path ca, Path cert, Path key) {
        boolean enabled() {
            return ca != null || cert != null;
        }
    }

    private final String target;
    private final V2IngressClient client;
    private long lastTimestamp;

    public IngressEmitter(String hostPort, DopplerTls tls) {
        this.target = hostPort;
        this.client = new V2IngressClient(Grpc.newChannelBuilder(hostPort, credentials(tls)).build());
    }

    /**
     * Sends every line and waits until the Doppler has taken them all; returns how many were sent.
     * A batch goes out when it is full or when no further line is waiting, so lines typed or piped
     * slowly ({@code tail -f app.log | logs emit app}) are sent at once.
     */
    public long send(Lines lines, LogTemplate template) {
        long sent = 0;
        List<Envelope> batch = new ArrayList<>(BATCH_SIZE);
        try {
            String line;
            while ((line = lines.next()) != null) {
                batch.add(envelope(line, template));
                sent++;
                if (batch.size() == BATCH_SIZE || !lines.ready()) {
                    client.send(batch);
                    batch = new ArrayList<>(BATCH_SIZE);
                }
            }
            client.flush();
        } catch (IOException e) {
            throw new CliException(ExitCode.INTERNAL, "cannot read standard input: " + e.getMessage(), e);
        } catch (IngressUnavailableException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        }
        return sent;
    }

    private Envelope envelope(String line, LogTemplate template) {
        long now = System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L;
        lastTimestamp = Math.max(now, lastTimestamp + 1);
        return Envelope.newBuilder()
                .setTimestamp(lastTimestamp)
                .setSourceId(template.appId())
                .setInstanceId(template.instance())
                .putTags("source_type", template.sourceType())
                .putTags("origin", "logs-cli")
                .setLog(Log.newBuilder()
                        .setPayload(ByteString.copyFrom(line, StandardCharsets.UTF_8))
                        .setType(template.err() ? Log.Type.ERR : Log.Type.OUT))
                .build();
    }

    private CliException failure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new CliException(ExitCode.TLS, "TLS handshake with the Doppler at " + target + " failed (" + t.getMessage()
                        + "); check --doppler-ca, --doppler-cert and --doppler-key", cause);
            }
        }
        Status status = cause instanceof StatusRuntimeException sre ? sre.getStatus() : Status.fromThrowable(cause);
        String detail = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                detail = "connection refused";
                break;
            }
            if (t instanceof java.net.UnknownHostException) {
                detail = "unknown host";
                break;
            }
        }
        return switch (status.getCode()) {
            case UNAVAILABLE -> new CliException(ExitCode.UNREACHABLE, "cannot reach the Doppler at " + target + ": " + detail, cause);
            case UNAUTHENTICATED, PERMISSION_DENIED -> new CliException(ExitCode.UNAUTHORIZED,
                    "the Doppler at " + target + " refused the client: " + detail, cause);
            case DEADLINE_EXCEEDED -> new CliException(ExitCode.TIMEOUT, "the Doppler at " + target + " did not answer in time", cause);
            default -> new CliException(ExitCode.SERVER_ERROR, "the Doppler at " + target + " failed the request: "
                    + status.getCode() + " " + detail, cause);
        };
    }

    private static ChannelCredentials credentials(DopplerTls tls) {
        if (tls == null || !tls.enabled()) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            if (tls.ca() != null) {
                builder.trustManager(tls.ca().toFile());
            }
            if (tls.cert() != null) {
                if (tls.key() == null) {
                    throw new CliException(ExitCode.USAGE, "--doppler-cert needs --doppler-key");
                }
                builder.keyManager(tls.cert().toFile(), tls.key().toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read the Doppler TLS files: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
