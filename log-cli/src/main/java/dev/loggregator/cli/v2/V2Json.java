package dev.loggregator.cli.v2;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/**
 * Reads v2 envelopes in protojson as the RLP gateway and Log Cache write them, as strictly as
 * go-loggregator and the cf CLI do (protobuf-java-util's parser without {@code ignoringUnknownFields}):
 * an unknown field, a wrong type or a second member of a oneof makes the whole document unreadable.
 */
public final class V2Json {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private V2Json() {
    }

    /** The envelopes of an {@code EnvelopeBatch} ({@code {"batch":[...]}}). */
    public static List<Envelope> batch(String json) throws InvalidProtocolBufferException {
        EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
        PARSER.merge(json, batch);
        return batch.getBatchList();
    }
}
