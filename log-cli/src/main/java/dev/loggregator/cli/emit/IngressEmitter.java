package dev.loggregator.cli.emit;

import com.google.protobuf.ByteString;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.BatchSenderResponse;

/**
 * Sends log lines to a Doppler as a Loggregator agent would: a v2 {@code Ingress/BatchSender}
 * stream, batches of up to 100 envelopes, respecting gRPC flow control so a large stdin never
 * piles up in memory. Each line becomes one log envelope with its own, strictly increasing
 * timestamp, so the lines keep their order in recent logs and tails.
 */
public final class IngressEmitter implements AutoCloseable {
    static final int BATCH_SIZE = 100;
    private static final long COMPLETION_TIMEOUT_SECONDS = 30;

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
    private final ManagedChannel channel;
    private long lastTimestamp;

    public IngressEmitter(String hostPort, DopplerTls tls) {
        this.target = hostPort;
        this.channel = Grpc.newChannelBuilder(hostPort, credentials(tls)).build();
    }

    /**
     * Sends every line and waits until the Doppler has taken them all; returns how many were sent.
     * A batch goes out when it is full or when no further line is waiting, so lines typed or piped
     * slowly ({@code tail -f app.log | logs emit app}) are sent at once.
     */
    public long send(Lines lines, LogTemplate template) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Object readiness = new Object();
        ClientResponseObserver<EnvelopeBatch, BatchSenderResponse> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<EnvelopeBatch> requests) {
                requests.setOnReadyHandler(() -> {
                    synchronized (readiness) {
                        readiness.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(BatchSenderResponse value) {
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
                synchronized (readiness) {
                    readiness.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
        @SuppressWarnings("unchecked")
        ClientCallStreamObserver<EnvelopeBatch> requests =
                (ClientCallStreamObserver<EnvelopeBatch>) IngressGrpc.newStub(channel).batchSender(responses);
        long sent = 0;
        EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
        try {
            String line;
            while (!done.isDone() && (line = lines.next()) != null) {
                batch.addBatch(envelope(line, template));
                sent++;
                if (batch.getBatchCount() == BATCH_SIZE || !lines.ready()) {
                    awaitReady(requests, done, readiness);
                    if (!done.isDone()) {
                        requests.onNext(batch.build());
                    }
                    batch = EnvelopeBatch.newBuilder();
                }
            }
        } catch (IOException e) {
            requests.cancel("cannot read input", e);
            throw new CliException(ExitCode.INTERNAL, "cannot read standard input: " + e.getMessage(), e);
        }
        if (!done.isDone()) {
            requests.onCompleted();
        }
        try {
            done.get(COMPLETION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (TimeoutException e) {
            requests.cancel("no answer", null);
            throw new CliException(ExitCode.TIMEOUT, "the Doppler at " + target + " did not confirm within "
                    + COMPLETION_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.cancel("interrupted", e);
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

    private static void awaitReady(ClientCallStreamObserver<EnvelopeBatch> requests, CompletableFuture<Void> done, Object readiness) {
        synchronized (readiness) {
            while (!requests.isReady() && !done.isDone()) {
                try {
                    readiness.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
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
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
