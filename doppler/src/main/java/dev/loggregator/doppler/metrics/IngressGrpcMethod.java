package dev.loggregator.doppler.metrics;

import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorGrpc;
import org.cloudfoundry.loggregator.v2.IngressGrpc;

/** Which gRPC ingress method a call was for; the label is the full method name. */
public enum IngressGrpcMethod implements MetricLabel {
    V2_SENDER(IngressGrpc.getSenderMethod()),
    V2_BATCH_SENDER(IngressGrpc.getBatchSenderMethod()),
    V2_SEND(IngressGrpc.getSendMethod()),
    V1_PUSHER(DopplerIngestorGrpc.getPusherMethod()),
    /** Any name this Doppler does not serve: one label value, so a client cannot create series at will. */
    UNKNOWN("unknown");

    private static final Map<String, IngressGrpcMethod> BY_NAME = new HashMap<>();

    static {
        for (IngressGrpcMethod method : values()) {
            if (method != UNKNOWN) {
                BY_NAME.put(method.label, method);
            }
        }
    }

    private final String label;

    IngressGrpcMethod(MethodDescriptor<?, ?> method) {
        this(method.getFullMethodName());
    }

    IngressGrpcMethod(String label) {
        this.label = label;
    }

    /** The method a call names, as gRPC gives it to stream tracers (e.g. {@code loggregator.v2.Ingress/Send}). */
    public static IngressGrpcMethod of(String fullMethodName) {
        return BY_NAME.getOrDefault(fullMethodName, UNKNOWN);
    }

    @Override
    public String label() {
        return label;
    }
}
