package dev.loggregator.trafficcontroller.grpc;

import dev.loggregator.server.grpc.PeerAddress;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Traffic Controller's gRPC port, for platform consumers that the real system serves over mutual
 * TLS: the reverse log proxy's {@code loggregator.v2.Egress} (e.g. the Prometheus firehose_exporter) and
 * Log Cache's {@code logcache.v1.Egress} and {@code PromQLQuerier} (e.g. Cloud Controller). Plaintext for
 * development, mutual TLS when {@code traffic_controller.v2.grpc_tls} has a CA (clients are then trusted
 * by their certificate, not by a token, as in the real system).
 */
public final class GrpcApiServer implements AutoCloseable {
    private final Server server;

    public GrpcApiServer(InetSocketAddress address, SslContext tls, List<ServerServiceDefinition> services) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        for (ServerServiceDefinition service : services) {
            builder.addService(ServerInterceptors.intercept(service, new PeerAddress()));
        }
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
    }
}
