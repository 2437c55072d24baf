package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.server.grpc.PeerAddress;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC ingress port: {@code loggregator.v2.Ingress} and {@code plumbing.DopplerIngestor},
 * plaintext or mutual TLS, on the Doppler's shared Netty event loops.
 */
public final class GrpcIngressServer {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcIngressServer.class);
    /** Agents batch about 100 envelopes per message. */
    private static final int ENVELOPES_PER_MESSAGE = 128;

    private final Server server;

    public GrpcIngressServer(InetSocketAddress address, EnvelopeIntake intake, DopplerMetrics metrics,
                             EventLoopGroup boss, EventLoopGroup workers, SslContext tls, int idleSeconds) {
        RateLimitedLog malformedLog = new RateLimitedLog(LOG);
        Runnable onMalformed = () -> {
            metrics.dropped().increment(DropReason.MALFORMED);
            malformedLog.warn("Dropped a gRPC message that is not valid protobuf; the call is failed");
        };
        Http2ConnectionErrors.install(metrics);
        long maxMessage = Math.min(Integer.MAX_VALUE, Math.max(4L << 20, (long) intake.maxEnvelopeBytes() * ENVELOPES_PER_MESSAGE));
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .directExecutor()
                .maxInboundMessageSize((int) maxMessage)
                // Agents keep streams open and ping; a connection with no call is an idle one.
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionIdle(idleSeconds, TimeUnit.SECONDS)
                .handshakeTimeout(idleSeconds, TimeUnit.SECONDS)
                .addStreamTracerFactory(new GrpcErrorCounter(metrics.grpcErrors()))
                .addTransportFilter(new HandshakeFailureCounter(metrics))
                .addService(ServerInterceptors.intercept(
                        MalformedMessageCounting.wrap(V2IngressService.definition(intake), onMalformed),
                        new PeerAddress()))
                .addService(ServerInterceptors.intercept(
                        MalformedMessageCounting.wrap(DopplerIngestorGrpc.bindService(new PusherService(intake)), onMalformed),
                        new PeerAddress()));
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

    /** Stops taking calls and waits for those in flight. */
    public void stop(long timeout, TimeUnit unit) throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(timeout, unit)) {
            server.shutdownNow();
        }
    }
}
