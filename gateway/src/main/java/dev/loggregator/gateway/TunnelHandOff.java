package dev.loggregator.gateway;

import dev.loggregator.gateway.tunnel.Tunnel;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a hand-over the new process accepts on the same sockets, so the old one need not keep its
 * tunnels to the drain deadline and cut them all at once: it ends them one by one (Close 1001, as at
 * the deadline), evenly spread over the drain time, as Envoy's gradual drain does. Their clients
 * reconnect to the new process a few at a time rather than in one storm, and a nozzle holding two
 * connections to one shared subscription keeps one of them streaming while the other reconnects,
 * so the subscription loses nothing.
 */
final class TunnelHandOff {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelHandOff.class);
    private static final long TICK_MILLIS = 5;

    private TunnelHandOff() {
    }

    /**
     * Ends the tunnels open now, the i-th of n at {@code (i + 1) / (n + 1)} of the time left until
     * {@code deadlineNanos}, so that even the last one moves before the deadline. Blocks the calling
     * (drain) thread until then.
     */
    static void spreadUntil(ChannelGroup clients, long deadlineNanos) {
        List<Channel> tunnels = clients.stream().filter(Tunnel::carries).toList();
        if (tunnels.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long span = Math.max(0, deadlineNanos - start);
        int n = tunnels.size();
        LOG.info("handing {} tunnels to the new process: one every {} ms", n, TimeUnit.NANOSECONDS.toMillis(span / (n + 1)));
        int ended = 0;
        while (ended < n) {
            long elapsed = System.nanoTime() - start;
            // How many turns have come: turn i is due at span * (i + 1) / (n + 1).
            long due = Math.min(n, span == 0 ? n : elapsed * (n + 1) / span);
            for (; ended < due; ended++) {
                Channel tunnel = tunnels.get(ended);
                if (tunnel.isActive()) {
                    tunnel.pipeline().fireUserEventTriggered(DrainDeadlineEvent.INSTANCE);
                }
            }
            if (ended < n) {
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
