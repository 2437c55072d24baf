package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import io.grpc.stub.StreamObserver;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.BatchSenderResponse;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.IngressResponse;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.SendResponse;

/**
 * {@code loggregator.v2.Ingress} as Loggregator agents and go-loggregator emitters call it.
 * Runs on the transport threads (direct executor): handing an envelope to the intake never
 * blocks, so there is no reason to pay for a thread hop per message.
 */
final class V2IngressService extends IngressGrpc.IngressImplBase {
    private final EnvelopeIntake intake;

    V2IngressService(EnvelopeIntake intake) {
        this.intake = intake;
    }

    @Override
    public StreamObserver<Envelope> sender(StreamObserver<IngressResponse> response) {
        Object peer = PeerAddress.current();
        return new ClientStream<>(response, IngressResponse.getDefaultInstance()) {
            @Override
            public void onNext(Envelope envelope) {
                intake.acceptV2(envelope, peer);
            }
        };
    }

    @Override
    public StreamObserver<EnvelopeBatch> batchSender(StreamObserver<BatchSenderResponse> response) {
        Object peer = PeerAddress.current();
        return new ClientStream<>(response, BatchSenderResponse.getDefaultInstance()) {
            @Override
            public void onNext(EnvelopeBatch batch) {
                for (int i = 0, n = batch.getBatchCount(); i < n; i++) {
                    intake.acceptV2(batch.getBatch(i), peer);
                }
            }
        };
    }

    @Override
    public void send(EnvelopeBatch batch, StreamObserver<SendResponse> response) {
        Object peer = PeerAddress.current();
        for (int i = 0, n = batch.getBatchCount(); i < n; i++) {
            intake.acceptV2(batch.getBatch(i), peer);
        }
        response.onNext(SendResponse.getDefaultInstance());
        response.onCompleted();
    }
}
