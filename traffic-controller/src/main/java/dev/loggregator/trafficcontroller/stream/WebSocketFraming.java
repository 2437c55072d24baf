package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.wire.notice.DropNotices;
import io.netty.buffer.ByteBuf;

/**
 * The v1 API's framing: every record (a marshalled v1 envelope) is one binary WebSocket frame,
 * written straight into the chunk ({@link BinaryFrames}); the drop notice is the TruncatingBuffer
 * pair.
 */
public final class WebSocketFraming implements StreamFraming {
    public static final WebSocketFraming INSTANCE = new WebSocketFraming();

    private WebSocketFraming() {
    }

    @Override
    public int recordBytes(byte[] record) {
        return BinaryFrames.frameLength(record.length);
    }

    @Override
    public void startChunk(ByteBuf chunk) {
    }

    @Override
    public void writeRecord(ByteBuf chunk, byte[] record, boolean first) {
        BinaryFrames.write(chunk, record);
    }

    @Override
    public Object endChunk(ByteBuf chunk) {
        return chunk;
    }

    @Override
    public int maxRecordsPerChunk() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Notice notice(ByteBuf chunk, String appId, long dropped, long total, String destination, long nowNanos) {
        BinaryFrames.write(chunk, DropNotices.logMessage(SelfMetricsEmitter.ORIGIN, appId, dropped, total, destination, nowNanos));
        BinaryFrames.write(chunk, DropNotices.counterEvent(SelfMetricsEmitter.ORIGIN, dropped, total, nowNanos));
        return new Notice(chunk, 2);
    }
}
