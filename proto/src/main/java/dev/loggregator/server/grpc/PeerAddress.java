package dev.loggregator.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Makes the caller's address available to gRPC service code, so log lines and notices can name it. */
public final class PeerAddress implements ServerInterceptor {
    private static final Context.Key<Object> KEY = Context.key("loggregator-peer");

    public static Object current() {
        Object peer = KEY.get();
        return peer == null ? "unknown gRPC peer" : peer;
    }

    @Override
    public <Req, Resp> ServerCall.Listener<Req> interceptCall(
            ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
        Object peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return Contexts.interceptCall(Context.current().withValue(KEY, peer), call, headers, next);
    }
}
