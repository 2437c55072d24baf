package dev.loggregator.trafficcontroller.support;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/** Sends v2 envelopes to a Doppler's gRPC ingress as an agent does ({@code Ingress/Send}). */
public final class V2Sender implements AutoCloseable {
    private final ManagedChannel channel;

    public V2Sender(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    public void send(List<Envelope> envelopes) {
        for (int from = 0; from < envelopes.size(); from += 100) {
            IngressGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .send(EnvelopeBatch.newBuilder().addAllBatch(envelopes.subList(from, Math.min(envelopes.size(), from + 100))).build());
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
