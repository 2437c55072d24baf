package dev.loggregator.doppler.ingress.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.io.InputStream;

/**
 * Wraps a service's request parsers so that a message that is not valid protobuf is counted
 * before gRPC fails the call with INTERNAL (gRPC itself gives no hook for that).
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
                    throw e;
                }
            }
        };
        return ServerMethodDefinition.create(
                descriptor.toBuilder(counting, descriptor.getResponseMarshaller()).build(),
                method.getServerCallHandler());
    }
}
