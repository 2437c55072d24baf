package dev.loggregator.gateway;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a hand-over the new process accepts on the same sockets, so the old one need not hold its
 * streams to the drain deadline and cut them all at once: it moves them one by one
 * ({@link HandOffTurnEvent}), evenly spread over the drain time, as Envoy's gradual drain does.
 * Their clients reconnect to the new process a few at a time rather than in one storm, and a
 * nozzle holding two connections to one shared subscription keeps one of them streaming while the
 * other reconnects, so the subscription loses nothing.
 */
final class GradualHandOff {
    private static final Logger LOG = LoggerFactory.getLogger(GradualHandOff.class);
    private static final long TICK_MILLIS = 5;

    private GradualHandOff() {
    }

    /**
     * Gives the connections open now their turns, the i-th of n at {@code (i + 1) / (n + 1)} of the
     * time left until {@code deadlineNanos}, so that even the last one moves before the deadline.
     * Blocks the calling (drain) thread until then.
     */
    static void spreadUntil(ChannelGroup clients, long deadlineNanos) {
        List<Channel> open = clients.stream().filter(Channel::isActive).toList();
        if (open.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long span = Math.max(0, deadlineNanos - start);
        int n = open.size();
        LOG.info("moving {} connections to the new process: one every {} ms", n, TimeUnit.NANOSECONDS.toMillis(span / (n + 1)));
        int moved = 0;
        while (moved < n) {
            // Turn i is due at span * (i + 1) / (n + 1).
            long due = span == 0 ? n : Math.min(n, (System.nanoTime() - start) * (n + 1) / span);
            for (; moved < due; moved++) {
                Channel client = open.get(moved);
                if (client.isActive()) {
                    client.pipeline().fireUserEventTriggered(HandOffTurnEvent.INSTANCE);
                }
            }
            if (moved < n) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
