package dev.loggregator.cli.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.loggregator.wire.uuid.V1Uuids;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.UuidFactory;

/**
 * An envelope as one JSON object (for JSON Lines output), with every field that is set, under the
 * protobuf JSON names ({@code logMessage.sourceType}, {@code containerMetric.cpuPercentage}...).
 * Chosen for {@code jq}: enums as their names, log text as a UTF-8 string, UUIDs in canonical
 * text form, tags as an object and 64-bit integers as plain numbers (nanosecond timestamps).
 */
public final class EnvelopeJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectMapper mapper = new ObjectMapper();

    public String line(Envelope envelope) {
        try {
            return mapper.writeValueAsString(toJson(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for an envelope", e);
        }
    }

    public static ObjectNode toJson(Message message) {
        ObjectNode node = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            if (descriptor.isMapField()) {
                ObjectNode map = node.putObject(descriptor.getJsonName());
                for (Object entry : (List<?>) field.getValue()) {
                    Message pair = (Message) entry;
                    FieldDescriptor key = pair.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor value = pair.getDescriptorForType().findFieldByName("value");
                    map.set(String.valueOf(pair.getField(key)), value(value, pair.getField(value)));
                }
            } else if (descriptor.isRepeated()) {
                ArrayNode array = node.putArray(descriptor.getJsonName());
                for (Object element : (List<?>) field.getValue()) {
                    array.add(value(descriptor, element));
                }
            } else {
                node.set(descriptor.getJsonName(), value(descriptor, field.getValue()));
            }
        }
        return node;
    }

    private static JsonNode value(FieldDescriptor descriptor, Object value) {
        return switch (descriptor.getJavaType()) {
            case MESSAGE -> value instanceof UuidFactory.UUID uuid ? NODES.textNode(V1Uuids.format(uuid)) : toJson((Message) value);
            case ENUM -> NODES.textNode(((EnumValueDescriptor) value).getName());
            case BYTE_STRING -> NODES.textNode(((ByteString) value).toString(StandardCharsets.UTF_8));
            case STRING -> NODES.textNode((String) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case INT -> unsigned32(descriptor) ? NODES.numberNode(Integer.toUnsignedLong((Integer) value)) : NODES.numberNode((Integer) value);
            case LONG -> unsigned64(descriptor) && (Long) value < 0
                    ? NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)))
                    : NODES.numberNode((Long) value);
            case FLOAT -> finite((Float) value) ? NODES.numberNode((Float) value) : NODES.textNode(value.toString());
            case DOUBLE -> finite((Double) value) ? NODES.numberNode((Double) value) : NODES.textNode(value.toString());
        };
    }

    private static boolean finite(double value) {
        return !Double.isNaN(value) && !Double.isInfinite(value);
    }

    private static boolean unsigned32(FieldDescriptor descriptor) {
        return descriptor.getType() == FieldDescriptor.Type.UINT32 || descriptor.getType() == FieldDescriptor.Type.FIXED32;
    }

    private static boolean unsigned64(FieldDescriptor descriptor) {
        return descriptor.getType() == FieldDescriptor.Type.UINT64 || descriptor.getType() == FieldDescriptor.Type.FIXED64;
    }
}
