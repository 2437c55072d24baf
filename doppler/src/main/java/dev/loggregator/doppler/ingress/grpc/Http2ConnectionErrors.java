package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts gRPC connections closed for an HTTP/2 connection error (a frame above the frame-size
 * limit, a bad preface, flow-control abuse): Netty sends GOAWAY and closes, and gRPC offers no
 * hook but the FINE record its server handler logs for each ({@code "Connection Error"}). That
 * logger is set to FINE here and this handler counts its records as
 * {@code doppler_refused_connections_total{reason="http2_error"}}; the records themselves still go
 * to SLF4J, where io.grpc below WARN is not written.
 */
final class Http2ConnectionErrors extends Handler {
    /** gRPC's {@code NettyServerHandler} logs connection errors here. */
    static final String GRPC_SERVER_HANDLER_LOGGER = "io.grpc.netty.NettyServerHandler";
    private static final String CONNECTION_ERROR = "Connection Error";
    // java.util.logging keeps loggers weakly: held here so the level and handler stay.
    private static Logger grpcServerHandler;

    private final DopplerMetrics metrics;

    private Http2ConnectionErrors(DopplerMetrics metrics) {
        this.metrics = metrics;
    }

    static synchronized void install(DopplerMetrics metrics) {
        grpcServerHandler = Logger.getLogger(GRPC_SERVER_HANDLER_LOGGER);
        grpcServerHandler.setLevel(Level.FINE);
        grpcServerHandler.addHandler(new Http2ConnectionErrors(metrics));
    }

    @Override
    public void publish(LogRecord record) {
        if (CONNECTION_ERROR.equals(record.getMessage())) {
            metrics.refusedConnections().increment(RefusedConnectionReason.HTTP2_ERROR);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
