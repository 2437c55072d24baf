package dev.loggregator.gateway.http;

import dev.loggregator.gateway.GatewayContext;
import dev.loggregator.gateway.routing.Backend;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code gateway.preconnect} spare idle connections to each backend in use, per event loop,
 * in the {@link BackendConnectionPool}, so a WebSocket handshake or a request takes a connected
 * socket instead of waiting for a TCP connect and the backend's accept (most of a proxied
 * handshake's extra latency on loopback). Spares are dialled once a backend has answered a request
 * or handshake (so a failing backend is not dialled twice per request, and the backend is not
 * accepting a spare while it should be answering); one that idles out is not replaced until the
 * backend is used again. A failed dial marks the backend
 * dead like any connect failure.
 */
public final class Preconnector {
    private static final Logger LOG = LoggerFactory.getLogger(Preconnector.class);

    private final GatewayContext gw;
    /** Dials in flight per backend on the calling event loop. */
    private final FastThreadLocal<Map<Backend, int[]>> dialing = new FastThreadLocal<>() {
        @Override
        protected Map<Backend, int[]> initialValue() {
            return new HashMap<>();
        }
    };

    public Preconnector(GatewayContext gw) {
        this.gw = gw;
    }

    /** Dials what is missing for {@code backend} on {@code loop} (the calling thread's). */
    void topUp(Backend backend, EventLoop loop) {
        int wanted = gw.settings().preconnect();
        if (wanted == 0 || gw.draining() || backend.isDead()) {
            return;
        }
        int[] inFlight = dialing.get().computeIfAbsent(backend, b -> new int[1]);
        for (int missing = wanted - gw.pool().idleCount(backend) - inFlight[0]; missing > 0; missing--) {
            inFlight[0]++;
            ChannelFuture dial = HttpBackendDialer.dial(gw, loop, backend);
            dial.addListener(f -> {
                inFlight[0]--;
                if (f.isSuccess()) {
                    gw.pool().release(backend, dial.channel());
                } else {
                    String reason = f.cause() instanceof ConnectTimeoutException ? "backend_connect_timeout" : "backend_connect_failed";
                    backend.markDead(gw.deadBackendTtlNanos());
                    gw.metrics().backendFailure(backend.address(), reason);
                    LOG.debug("preconnect {} to {}: {}", reason, backend, f.cause().toString());
                }
            });
        }
    }
}
