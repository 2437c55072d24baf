package dev.loggregator.doppler.ingress.grpc;

import dev.loggregator.doppler.metrics.GrpcCallErrors;
import dev.loggregator.doppler.metrics.IngressGrpcMethod;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

/**
 * Counts every ingress call that ends with a status other than OK. Most such ends never reach
 * service code: a message above the inbound size limit, an unknown method, a deadline, a client
 * cancel, a lost connection or a server shutdown are all decided inside gRPC, and a stream
 * tracer is the one place that sees each call's final status, once.
 */
final class GrpcErrorCounter extends ServerStreamTracer.Factory {
    /** The tracers keep no per-call state, so one per method serves every call: nothing is allocated per call. */
    private final ServerStreamTracer[] tracers;

    GrpcErrorCounter(GrpcCallErrors errors) {
        IngressGrpcMethod[] methods = IngressGrpcMethod.values();
        tracers = new ServerStreamTracer[methods.length];
        for (IngressGrpcMethod method : methods) {
            tracers[method.ordinal()] = new ServerStreamTracer() {
                @Override
                public void streamClosed(Status status) {
                    if (!status.isOk()) {
                        errors.increment(method, status.getCode());
                    }
                }
            };
        }
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return tracers[IngressGrpcMethod.of(fullMethodName).ordinal()];
    }
}
