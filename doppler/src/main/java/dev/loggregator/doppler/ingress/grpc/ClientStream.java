package dev.loggregator.doppler.ingress.grpc;

import io.grpc.stub.StreamObserver;

/** A client-streaming call: answers the empty response when the client completes its stream. */
abstract class ClientStream<Req, Resp> implements StreamObserver<Req> {
    private final StreamObserver<Resp> response;
    private final Resp done;

    ClientStream(StreamObserver<Resp> response, Resp done) {
        this.response = response;
        this.done = done;
    }

    @Override
    public void onError(Throwable t) {
        // The client went away or cancelled; what it sent so far is already routed.
    }

    @Override
    public void onCompleted() {
        response.onNext(done);
        response.onCompleted();
    }
}
