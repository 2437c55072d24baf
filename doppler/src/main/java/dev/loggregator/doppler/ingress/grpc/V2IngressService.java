package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.server.grpc.PeerAddress;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.wire.routing.V2LogScan;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.BatchSenderResponse;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.IngressResponse;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.SendResponse;

/**
 * {@code loggregator.v2.Ingress} as Loggregator agents and go-loggregator emitters call it, with the
 * generated method names and response types but request marshallers that keep each envelope's bytes
 * ({@link ReceivedEnvelopes}). Runs on the transport threads (direct executor): handing an envelope
 * to the intake never blocks, so there is no reason to pay for a thread hop per message.
 */
final class V2IngressService {
    private V2IngressService() {
    }

    static ServerServiceDefinition definition(EnvelopeIntake intake) {
        MethodDescriptor<ReceivedEnvelopes, IngressResponse> sender = IngressGrpc.getSenderMethod()
                .toBuilder(ReceivedEnvelopes.ENVELOPE, ProtoUtils.marshaller(IngressResponse.getDefaultInstance())).build();
        MethodDescriptor<ReceivedEnvelopes, BatchSenderResponse> batchSender = IngressGrpc.getBatchSenderMethod()
                .toBuilder(ReceivedEnvelopes.BATCH, ProtoUtils.marshaller(BatchSenderResponse.getDefaultInstance())).build();
        MethodDescriptor<ReceivedEnvelopes, SendResponse> send = IngressGrpc.getSendMethod()
                .toBuilder(ReceivedEnvelopes.BATCH, ProtoUtils.marshaller(SendResponse.getDefaultInstance())).build();
        return ServerServiceDefinition.builder(IngressGrpc.SERVICE_NAME)
                .addMethod(sender, ServerCalls.asyncClientStreamingCall(response -> stream(intake, response,
                        IngressResponse.getDefaultInstance())))
                .addMethod(batchSender, ServerCalls.asyncClientStreamingCall(response -> stream(intake, response,
                        BatchSenderResponse.getDefaultInstance())))
                .addMethod(send, ServerCalls.asyncUnaryCall((batch, response) -> {
                    accept(intake, batch, PeerAddress.current());
                    response.onNext(SendResponse.getDefaultInstance());
                    response.onCompleted();
                }))
                .build();
    }

    private static <R> StreamObserver<ReceivedEnvelopes> stream(EnvelopeIntake intake, StreamObserver<R> response, R done) {
        Object peer = PeerAddress.current();
        return new ClientStream<>(response, done) {
            @Override
            public void onNext(ReceivedEnvelopes envelopes) {
                accept(intake, envelopes, peer);
            }
        };
    }

    private static void accept(EnvelopeIntake intake, ReceivedEnvelopes envelopes, Object peer) {
        for (int i = 0, n = envelopes.size(); i < n; i++) {
            V2LogScan log = envelopes.scanned().get(i);
            if (log != null) {
                intake.acceptV2Log(log, envelopes.bytes().get(i), peer);
            } else {
                intake.acceptV2(envelopes.parsed().get(i), envelopes.bytes().get(i), peer);
            }
        }
    }
}
