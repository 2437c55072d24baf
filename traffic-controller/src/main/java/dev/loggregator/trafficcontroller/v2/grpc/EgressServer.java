package dev.loggregator.trafficcontroller.v2.grpc;

import dev.loggregator.server.grpc.PeerAddress;
import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reverse log proxy's gRPC port ({@code loggregator.v2.Egress}) on a Traffic Controller, for
 * platform consumers such as the Prometheus firehose_exporter: plaintext for development, mutual
 * TLS when {@code traffic_controller.v2.grpc_tls} has a CA (as the real RLP, whose clients are
 * trusted by their certificate, not by a token).
 */
public final class EgressServer implements AutoCloseable {
    private final Server server;
    private final ExecutorService drains;

    public EgressServer(InetSocketAddress address, SslContext tls, DopplerConnector connector,
                        TrafficControllerMetrics metrics, int bufferEnvelopes, int maxStreams) {
        AtomicInteger threads = new AtomicInteger();
        // Drains only copy bytes into gRPC's buffers and never block; two threads keep up with the links.
        this.drains = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "tc-grpc-egress-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        EgressService service = new EgressService(connector, metrics, drains, bufferEnvelopes, maxStreams);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .addService(ServerInterceptors.intercept(service.definition(), new PeerAddress()))
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.server = builder.build();
    }

    public void start() throws IOException {
        server.start();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drains.shutdownNow();
    }
}
