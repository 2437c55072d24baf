package dev.loggregator.trafficcontroller.v2;

import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.stream.StreamFraming;
import dev.loggregator.wire.notice.DropNotices;
import dev.loggregator.wire.v2.V1ToV2Converter;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory;

/**
 * The RLP gateway's stream format (modern-apis.md §3.2): each chunk is one Server-Sent Event
 * {@code data: {"batch":[...]}\n\n} whose records are envelopes' protojson as the Dopplers made it,
 * so the Traffic Controller only lays bytes side by side. Lines end in {@code \n} alone and the JSON
 * is one line, as go-loggregator's reader needs. The drop notice is the v1 API's pair converted to
 * v2 (an {@code LGR} ERR log and the {@code TruncatingBuffer.DroppedMessages} counter), in its own event.
 */
final class SseFraming implements StreamFraming {
    static final SseFraming INSTANCE = new SseFraming();

    private static final byte[] EVENT_START = "data: {\"batch\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "]}\n\n".getBytes(StandardCharsets.US_ASCII);
    /** go-loggregator decodes each event on its own worker; a few hundred envelopes keep events small enough. */
    private static final int MAX_RECORDS_PER_EVENT = 1000;

    private SseFraming() {
    }

    @Override
    public int recordBytes(byte[] record) {
        return record.length + 1 + EVENT_END.length;
    }

    @Override
    public void startChunk(ByteBuf chunk) {
        chunk.writeBytes(EVENT_START);
    }

    @Override
    public void writeRecord(ByteBuf chunk, byte[] record, boolean first) {
        if (!first) {
            chunk.writeByte(',');
        }
        chunk.writeBytes(record);
    }

    @Override
    public Object endChunk(ByteBuf chunk) {
        chunk.writeBytes(EVENT_END);
        return new DefaultHttpContent(chunk);
    }

    @Override
    public int maxRecordsPerChunk() {
        return MAX_RECORDS_PER_EVENT;
    }

    @Override
    public Object notice(ByteBuf chunk, String appId, long dropped, long total, String destination, long nowNanos) {
        startChunk(chunk);
        writeRecord(chunk, json(DropNotices.logMessage(SelfMetricsEmitter.ORIGIN, appId, dropped, total, destination,
                nowNanos)), true);
        writeRecord(chunk, json(DropNotices.counterEvent(SelfMetricsEmitter.ORIGIN, dropped, total, nowNanos)), false);
        return endChunk(chunk);
    }

    private static byte[] json(byte[] v1) {
        try {
            return EnvelopeJson.encode(V1ToV2Converter.convert(EventFactory.Envelope.parseFrom(v1)));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("a notice we just built does not parse", e);
        }
    }
}
