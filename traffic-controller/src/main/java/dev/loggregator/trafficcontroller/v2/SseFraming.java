package dev.loggregator.trafficcontroller.v2;

import dev.loggregator.trafficcontroller.stream.StreamFraming;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * The RLP gateway's stream format (modern-apis.md §3.2): each chunk is one Server-Sent Event
 * {@code data: {"batch":[...]}\n\n} whose records are envelopes' protojson as the Dopplers made it,
 * so the Traffic Controller only lays bytes side by side. Lines end in {@code \n} alone and the JSON
 * is one line, as go-loggregator's reader needs. The drop notices are {@link V2DropNotices}' (those the
 * reader's selectors take), in their own event. One per stream (its notices depend on its selectors).
 */
final class SseFraming implements StreamFraming {

    private static final byte[] EVENT_START = "data: {\"batch\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "]}\n\n".getBytes(StandardCharsets.US_ASCII);
    /** go-loggregator decodes each event on its own worker; a few hundred envelopes keep events small enough. */
    private static final int MAX_RECORDS_PER_EVENT = 1000;

    private final V2DropNotices notices;

    SseFraming(V2DropNotices notices) {
        this.notices = notices;
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

    /** Null (the chunk released) when the reader's selectors take neither notice. */
    @Override
    public Notice notice(ByteBuf chunk, String appId, long dropped, long total, String destination, long nowNanos) {
        List<Envelope> selected = notices.of(appId, dropped, total, destination, nowNanos);
        if (selected.isEmpty()) {
            chunk.release();
            return null;
        }
        startChunk(chunk);
        for (int i = 0; i < selected.size(); i++) {
            writeRecord(chunk, EnvelopeJson.encode(selected.get(i)), i == 0);
        }
        return new Notice(endChunk(chunk), selected.size());
    }
}
