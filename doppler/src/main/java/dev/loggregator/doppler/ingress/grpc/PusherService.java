package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.server.grpc.PeerAddress;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.doppler.metrics.IngressProtocol;
import io.grpc.stub.StreamObserver;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorGrpc;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorProto.EnvelopeData;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorProto.PushResponse;

/** {@code plumbing.DopplerIngestor/Pusher}: v1 envelopes from older Metron agents, one per message. */
final class PusherService extends DopplerIngestorGrpc.DopplerIngestorImplBase {
    private final EnvelopeIntake intake;

    PusherService(EnvelopeIntake intake) {
        this.intake = intake;
    }

    @Override
    public StreamObserver<EnvelopeData> pusher(StreamObserver<PushResponse> response) {
        Object peer = PeerAddress.current();
        return new ClientStream<>(response, PushResponse.getDefaultInstance()) {
            @Override
            public void onNext(EnvelopeData data) {
                intake.acceptV1(data.getPayload().toByteArray(), IngressProtocol.GRPC_V1, peer);
            }
        };
    }
}
