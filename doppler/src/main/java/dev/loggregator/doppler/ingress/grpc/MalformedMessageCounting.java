package dev.loggregator.doppler.ingress.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Wraps a service's request parsers so that a message that is not valid protobuf is counted and
 * its call ends with {@code INTERNAL} ("not valid protobuf"). Left to itself, gRPC lets the parse
 * exception escape into its executor, ends the call with {@code UNKNOWN} ("Application error
 * processing RPC") and logs a SEVERE entry with a stack trace for every such message. Here the
 * parser hands on null instead, and the call's listener closes the call when it sees it.
 */
final class MalformedMessageCounting {
    private MalformedMessageCounting() {
    }

    static ServerServiceDefinition wrap(ServerServiceDefinition service, Runnable onMalformed) {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            builder.addMethod(wrap(method, onMalformed));
        }
        return builder.build();
    }

    private static <Req, Resp> ServerMethodDefinition<Req, Resp> wrap(ServerMethodDefinition<Req, Resp> method, Runnable onMalformed) {
        MethodDescriptor<Req, Resp> descriptor = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Req> parser = descriptor.getRequestMarshaller();
        MethodDescriptor.Marshaller<Req> counting = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Req value) {
                return parser.stream(value);
            }

            @Override
            public Req parse(InputStream stream) {
                try {
                    return parser.parse(stream);
                } catch (RuntimeException e) {
                    onMalformed.run();
                    return null;
                }
            }
        };
        return ServerMethodDefinition.create(
                descriptor.toBuilder(counting, descriptor.getResponseMarshaller()).build(),
                refusingMalformed(method.getServerCallHandler()));
    }

    private static <Req, Resp> ServerCallHandler<Req, Resp> refusingMalformed(ServerCallHandler<Req, Resp> handler) {
        return (call, headers) -> new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                handler.startCall(call, headers)) {
            private boolean closed;

            @Override
            public void onMessage(Req message) {
                if (closed) {
                    return;
                }
                if (message == null) {
                    closed = true;
                    call.close(Status.INTERNAL.withDescription("message is not valid protobuf"), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!closed) {
                    super.onHalfClose();
                }
            }
        };
    }
}
