package dev.loggregator.trafficcontroller.stream;

import io.netty.buffer.ByteBuf;

/**
 * How an {@link OutboundStream} lays records out on its connection: v1 WebSocket binary frames, one
 * envelope each, or the v2 API's Server-Sent Events, many envelopes to an event. A chunk is one
 * buffer the stream writes at once; it holds whole frames or events only.
 */
public interface StreamFraming {
    /** Bytes of chunk to allocate at least, so a drain writes few, large buffers. */
    int CHUNK_BYTES = 64 * 1024;

    /** Bytes {@code record} adds to a chunk. */
    int recordBytes(byte[] record);

    /** Starts a chunk that will hold records. */
    void startChunk(ByteBuf chunk);

    /** Appends one record; {@code first} is true for the first record of the chunk. */
    void writeRecord(ByteBuf chunk, byte[] record, boolean first);

    /** Ends a chunk of records; returns what to write to the channel. */
    Object endChunk(ByteBuf chunk);

    /** Most records one chunk may hold. */
    int maxRecordsPerChunk();

    /**
     * The notice that the client lost {@code dropped} envelopes ({@code total} over the stream's
     * life), for the app {@code appId}, written as a whole chunk; null (the chunk released) when this
     * client is told nothing.
     */
    Notice notice(ByteBuf chunk, String appId, long dropped, long total, String destination, long nowNanos);

    /** A drop notice: what to write to the channel, and how many envelopes it holds (for the written counter). */
    record Notice(Object message, int envelopes) {
    }
}
