package dev.loggregator.cli.logcache;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/**
 * Log Cache's {@code ReadResponse} ({@code {"envelopes":{"batch":[...]}}}, log-cache-release
 * {@code api/v1/egress.proto}) parsed the way the cf CLI parses it: protojson, strictly (an unknown
 * field anywhere makes the answer unreadable). The message is described here from its one field
 * rather than generated, since the CLI needs nothing else of Log Cache's protos.
 */
final class ReadResponses {
    private static final Descriptors.Descriptor READ_RESPONSE = describe();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ReadResponses() {
    }

    /** {@code message ReadResponse { loggregator.v2.EnvelopeBatch envelopes = 1; }} in package {@code logcache.v1}. */
    private static Descriptors.Descriptor describe() {
        Descriptors.FileDescriptor envelopes = LoggregatorEnvelope.getDescriptor();
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("logcache/v1/read_response.proto")
                .setPackage("logcache.v1")
                .setSyntax("proto3")
                .addDependency(envelopes.getName())
                .addMessageType(DescriptorProto.newBuilder()
                        .setName("ReadResponse")
                        .addField(FieldDescriptorProto.newBuilder()
                                .setName("envelopes")
                                .setNumber(1)
                                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                                .setTypeName(".loggregator.v2.EnvelopeBatch")))
                .build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[] {envelopes})
                    .findMessageTypeByName("ReadResponse");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException("the ReadResponse description is invalid", e);
        }
    }

    static List<Envelope> envelopes(String json) throws InvalidProtocolBufferException {
        DynamicMessage.Builder response = DynamicMessage.newBuilder(READ_RESPONSE);
        PARSER.merge(json, response);
        Descriptors.FieldDescriptor field = READ_RESPONSE.findFieldByName("envelopes");
        if (!response.hasField(field)) {
            return List.of();
        }
        return EnvelopeBatch.parseFrom(((com.google.protobuf.Message) response.getField(field)).toByteString()).getBatchList();
    }
}
