package dev.loggregator.trafficcontroller.v2.grpc;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Lays out a marshalled {@code loggregator.v2.EnvelopeBatch} from marshalled envelopes (each is the
 * repeated field 1), exactly as protobuf writes the message, without parsing or building it.
 */
final class BatchLayout {
    private static final int BATCH_FIELD = 1;

    private BatchLayout() {
    }

    static byte[] batch(List<byte[]> envelopes) {
        int size = 0;
        for (byte[] envelope : envelopes) {
            size += CodedOutputStream.computeByteArraySize(BATCH_FIELD, envelope);
        }
        byte[] out = new byte[size];
        CodedOutputStream writer = CodedOutputStream.newInstance(out);
        try {
            for (byte[] envelope : envelopes) {
                writer.writeByteArray(BATCH_FIELD, envelope);
            }
            writer.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the array was sized for exactly these bytes
        }
        return out;
    }

    /** Bytes one envelope adds to a batch. */
    static int recordSize(byte[] envelope) {
        return CodedOutputStream.computeByteArraySize(BATCH_FIELD, envelope);
    }
}
