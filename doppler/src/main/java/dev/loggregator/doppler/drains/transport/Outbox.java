package dev.loggregator.doppler.drains.transport;

import dev.loggregator.doppler.drains.format.SyslogFormatter;
import io.netty.channel.EventLoop;

/**
 * A drain's queued envelopes as its writer takes them, on the drain's event loop: each envelope
 * comes out as its RFC 5424 messages.
 */
public interface Outbox {
    /**
     * Formats the next queued envelope into {@code out}; returns its number of messages (0 when it
     * has none for this drain or could not be formatted), or -1 when nothing is queued.
     */
    int next(SyslogFormatter.Messages out);

    boolean isEmpty();

    /** Asks for the writer's {@code pump} to run again on the loop (after the current task). */
    void schedule();

    EventLoop loop();
}
