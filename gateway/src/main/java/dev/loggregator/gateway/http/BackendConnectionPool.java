package dev.loggregator.gateway.http;

import dev.loggregator.gateway.routing.Backend;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to backends, kept per event loop (a connection is only handed to
 * exchanges on its own thread, so no locking) and per backend. An idle connection is closed after
 * {@code backend_idle_ms}, before typical backend keep-alive timeouts, to keep the stale-connection
 * race rare.
 */
public final class BackendConnectionPool {
    private static final AttributeKey<ScheduledFuture<?>> IDLE_CLOSE = AttributeKey.valueOf("gateway.pool.idleClose");
    private static final AttributeKey<Backend> BACKEND = AttributeKey.valueOf("gateway.pool.backend");

    private final int maxIdlePerBackend;
    private final long idleMillis;
    private final FastThreadLocal<Map<Backend, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Backend, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    public BackendConnectionPool(int maxIdlePerBackend, long idleMillis) {
        this.maxIdlePerBackend = maxIdlePerBackend;
        this.idleMillis = idleMillis;
    }

    /** An open idle connection to {@code backend} on the calling event loop, or null. */
    Channel acquire(Backend backend) {
        ArrayDeque<Channel> channels = idle.get().get(backend);
        while (channels != null && !channels.isEmpty()) {
            Channel channel = channels.pollLast();
            ScheduledFuture<?> closer = channel.attr(IDLE_CLOSE).getAndSet(null);
            if (closer != null) {
                closer.cancel(false);
            }
            if (channel.isActive()) {
                return channel;
            }
            channel.close();
        }
        return null;
    }

    /** Idle connections to {@code backend} on the calling event loop. */
    int idleCount(Backend backend) {
        ArrayDeque<Channel> channels = idle.get().get(backend);
        return channels == null ? 0 : channels.size();
    }

    /** Keeps {@code channel} for reuse (called on its event loop), or closes it when the pool is full. */
    void release(Backend backend, Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        ArrayDeque<Channel> channels = idle.get().computeIfAbsent(backend, b -> new ArrayDeque<>());
        if (channels.size() >= maxIdlePerBackend) {
            channel.close();
            return;
        }
        channel.attr(BACKEND).set(backend);
        channel.attr(IDLE_CLOSE).set(channel.eventLoop().schedule(() -> {
            channel.close();
        }, idleMillis, TimeUnit.MILLISECONDS));
        channels.addLast(channel);
    }

    /** Forgets a pooled connection that the backend closed. */
    void remove(Channel channel) {
        Backend backend = channel.attr(BACKEND).get();
        if (backend == null) {
            return;
        }
        ArrayDeque<Channel> channels = idle.get().get(backend);
        if (channels != null) {
            channels.remove(channel);
        }
    }
}
