package dev.loggregator.doppler.drains.transport;

import dev.loggregator.doppler.drains.format.MessageBuffer;
import dev.loggregator.doppler.drains.format.SyslogFormatter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * What an https drain's next POST carries, taken from the outbox on the drain's loop: for
 * {@code https://} one message (an envelope of several messages, a gauge, makes several POSTs); for
 * {@code https-batch://} messages concatenated until {@code batch_bytes}, or whatever has gathered
 * {@code batch_interval_ms} after the batch's first message (the agent's ticker).
 */
final class PostBodies {
    /** One POST's body and how many messages it holds. */
    record Body(ByteBuf bytes, int messages) {
    }

    private static final int MAX_SINGLE_MESSAGES = 64;

    private final Outbox outbox;
    private final WriterSettings settings;
    private final DrainStats stats;
    private final boolean batching;
    private final Runnable batchDue;
    private final SyslogFormatter.Messages collector = this::collect;
    private final ArrayDeque<ByteBuf> singles = new ArrayDeque<>();
    private ByteBuf batch;
    private int batchMessages;
    private boolean flushNow;
    private ScheduledFuture<?> batchTimer;

    /** {@code batchDue} runs on the loop when a partial batch has waited long enough. */
    PostBodies(Outbox outbox, WriterSettings settings, DrainStats stats, boolean batching, Runnable batchDue) {
        this.outbox = outbox;
        this.settings = settings;
        this.stats = stats;
        this.batching = batching;
        this.batchDue = batchDue;
    }

    /** The next body to send, or null when there is none yet. */
    Body next() {
        return batching ? nextBatch() : nextSingle();
    }

    private Body nextSingle() {
        while (singles.isEmpty()) {
            if (outbox.next(collector) < 0) {
                return null;
            }
        }
        return new Body(singles.poll(), 1);
    }

    private Body nextBatch() {
        while (batch == null || batch.readableBytes() < settings.batchBytes()) {
            if (outbox.next(collector) < 0) {
                break;
            }
        }
        if (batch == null || batchMessages == 0) {
            return null;
        }
        if (batch.readableBytes() < settings.batchBytes() && !flushNow) {
            if (batchTimer == null) {
                batchTimer = outbox.loop().schedule(() -> {
                    batchTimer = null;
                    flushNow = true;
                    batchDue.run();
                }, settings.batchIntervalMs(), TimeUnit.MILLISECONDS);
            }
            return null;
        }
        if (batchTimer != null) {
            batchTimer.cancel(false);
            batchTimer = null;
        }
        flushNow = false;
        Body body = new Body(batch, batchMessages);
        batch = null;
        batchMessages = 0;
        return body;
    }

    private void collect(MessageBuffer message) {
        if (batching) {
            if (batch == null) {
                batch = ByteBufAllocator.DEFAULT.buffer(Math.min(settings.batchBytes(), 64 * 1024));
            }
            batch.writeBytes(message.array(), 0, message.length());
            batchMessages++;
        } else if (singles.size() < MAX_SINGLE_MESSAGES) {
            ByteBuf single = ByteBufAllocator.DEFAULT.buffer(message.length());
            single.writeBytes(message.array(), 0, message.length());
            singles.add(single);
        } else {
            stats.dropped(1);
        }
    }

    /** The partial batch goes with the next POST instead of waiting for its interval (the Doppler is stopping). */
    void flushNow() {
        flushNow = true;
    }

    /** True while messages taken from the outbox wait here for a POST. */
    boolean holding() {
        return batch != null || !singles.isEmpty();
    }

    void release() {
        singles.forEach(ByteBuf::release);
        singles.clear();
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (batchTimer != null) {
            batchTimer.cancel(false);
            batchTimer = null;
        }
    }
}
