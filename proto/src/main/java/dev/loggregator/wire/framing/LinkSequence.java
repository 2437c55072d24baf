package dev.loggregator.wire.framing;

import java.nio.ByteBuffer;

/**
 * The sequence number that starts every binary frame a Doppler sends on a link
 * (docs/internal-protocol.md): {@code uint64 big-endian S} such that every envelope the link was
 * meant to get up to the Doppler's router sequence number S is in this frame or an earlier one. A
 * Traffic Controller that re-dials a link hands back the last S it read (and the Doppler's
 * incarnation, from the handshake's {@link #INCARNATION_HEADER}) so the Doppler can replay what
 * the link missed meanwhile.
 */
public final class LinkSequence {
    public static final int BYTES = 8;
    /** Response header of a link handshake: the Doppler process's random id (sequence numbers restart with it). */
    public static final String INCARNATION_HEADER = "X-Doppler-Incarnation";
    /** Query parameter of a re-dialled link: {@code <incarnation>:<last sequence number read>}. */
    public static final String RESUME_PARAMETER = "resume";

    private LinkSequence() {
    }

    /** Reads the sequence number, leaving {@code frame} at what follows it. */
    public static long read(ByteBuffer frame) {
        if (frame.remaining() < BYTES) {
            throw new MalformedBatchException("frame of " + frame.remaining() + " bytes has no sequence number");
        }
        return frame.getLong();
    }

    /** The resume parameter's value. */
    public static String resume(String incarnation, long lastSequence) {
        return incarnation + ":" + lastSequence;
    }

    /**
     * The sequence number to replay after, from a resume value: the last one read when the incarnation
     * is {@code current}, else 0 (the Doppler restarted: everything since its start was missed).
     *
     * @throws IllegalArgumentException for a value that is not {@code <incarnation>:<number>}
     */
    public static long replayAfter(String resume, String current) {
        int colon = resume.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("resume must be <incarnation>:<sequence>");
        }
        long sequence;
        try {
            sequence = Long.parseLong(resume.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("resume must be <incarnation>:<sequence>");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("resume sequence must not be negative");
        }
        return resume.substring(0, colon).equals(current) ? sequence : 0;
    }
}
