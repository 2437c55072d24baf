package dev.loggregator.wire.ingress;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * gRPC request marshaller of an already marshalled message: hands its bytes to the transport with
 * their length known (no buffering to find it) and written in one piece.
 */
final class EncodedBatchMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
        return new Message(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        throw new UnsupportedOperationException("the ingress client only sends batches");
    }

    private static final class Message extends ByteArrayInputStream implements KnownLength, Drainable {
        Message(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
