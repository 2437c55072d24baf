package dev.loggregator.doppler.ingress.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.loggregator.wire.routing.V2LogScan;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * v2 envelopes as an ingress call received them: each read once and kept with its own bytes, so
 * that v2 consumers get exactly what was sent without the Doppler marshalling it again. A plain log
 * is only scanned ({@link V2LogScan}: its entry in {@code scanned}, null in {@code parsed}); anything
 * else is parsed (null in {@code scanned}). The gRPC request marshallers of {@code loggregator.v2.Ingress}
 * read messages into this instead of into protobuf-java's {@code EnvelopeBatch}; every envelope of a
 * message is checked before any is accepted, so a bad one fails the call and takes none.
 */
record ReceivedEnvelopes(List<V2LogScan> scanned, List<Envelope> parsed, List<byte[]> bytes) {
    /** EnvelopeBatch.batch: field 1, length-delimited. */
    private static final int BATCH_TAG = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    int size() {
        return parsed.size();
    }

    /** Parses one marshalled {@code EnvelopeBatch}. */
    static ReceivedEnvelopes ofBatch(byte[] batch) throws InvalidProtocolBufferException {
        List<V2LogScan> scanned = new ArrayList<>();
        List<Envelope> parsed = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        CodedInputStream input = CodedInputStream.newInstance(batch);
        try {
            int tag;
            while ((tag = input.readTag()) != 0) {
                if (tag != BATCH_TAG) {
                    input.skipField(tag);
                    continue;
                }
                int length = input.readRawVarint32();
                int offset = input.getTotalBytesRead();
                if (length < 0 || length > batch.length - offset) {
                    throw new InvalidProtocolBufferException("EnvelopeBatch: an envelope runs past the end of the message");
                }
                V2LogScan log = V2LogScan.read(batch, offset, length);
                scanned.add(log);
                parsed.add(log != null ? null : Envelope.parser().parseFrom(batch, offset, length));
                bytes.add(Arrays.copyOfRange(batch, offset, offset + length));
                input.skipRawBytes(length);
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return new ReceivedEnvelopes(scanned, parsed, bytes);
    }

    /** Parses one marshalled {@code Envelope}. */
    static ReceivedEnvelopes ofEnvelope(byte[] envelope) throws InvalidProtocolBufferException {
        V2LogScan log = V2LogScan.read(envelope, 0, envelope.length);
        return new ReceivedEnvelopes(Collections.singletonList(log),
                Collections.singletonList(log != null ? null : Envelope.parseFrom(envelope)), List.of(envelope));
    }

    /** Request marshaller for calls whose message is an {@code EnvelopeBatch}. */
    static final MethodDescriptor.Marshaller<ReceivedEnvelopes> BATCH = marshaller(true);
    /** Request marshaller for calls whose message is one {@code Envelope}. */
    static final MethodDescriptor.Marshaller<ReceivedEnvelopes> ENVELOPE = marshaller(false);

    /**
     * The whole message in one array: gRPC's message streams know their length, so one copy of exact
     * size instead of {@code readAllBytes}'s chunks and their concatenation.
     */
    private static byte[] read(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] message = new byte[stream.available()];
        if (stream.readNBytes(message, 0, message.length) != message.length || stream.read() != -1) {
            throw new IOException("the message is not as long as its stream said");
        }
        return message;
    }

    private static MethodDescriptor.Marshaller<ReceivedEnvelopes> marshaller(boolean batch) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(ReceivedEnvelopes value) {
                // Only used by clients, and the Doppler is a server of this service.
                throw new UnsupportedOperationException("the Doppler does not send ingress messages");
            }

            @Override
            public ReceivedEnvelopes parse(InputStream stream) {
                try {
                    byte[] message = read(stream);
                    return batch ? ofBatch(message) : ofEnvelope(message);
                } catch (IOException e) {
                    // As grpc-java's protobuf marshaller answers a message it cannot parse.
                    throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
                }
            }
        };
    }
}
