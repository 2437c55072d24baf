package dev.loggregator.trafficcontroller.v2.grpc;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * A response message already in its wire form: a marshalled v2 {@code Envelope} as a Doppler sent it,
 * or an {@code EnvelopeBatch} laid out from such envelopes ({@link BatchLayout}). The egress API's
 * response marshaller writes these bytes as they are, so the Traffic Controller never parses or
 * re-encodes what it relays.
 */
record PreEncoded(byte[] bytes) {
    static final MethodDescriptor.Marshaller<PreEncoded> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(PreEncoded value) {
            return new KnownLengthStream(value.bytes());
        }

        @Override
        public PreEncoded parse(InputStream stream) {
            throw new UnsupportedOperationException("the Traffic Controller only sends egress messages");
        }
    };

    /** gRPC sizes a message from {@link KnownLength} instead of copying it into a growing buffer. */
    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }
}
