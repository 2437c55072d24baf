package dev.loggregator.gateway.limits;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts client connections across all listeners against {@code limits.max_connections}. */
public final class ConnectionLimiter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimiter(int max) {
        this.max = max;
    }

    public boolean tryAcquire() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release() {
        open.decrementAndGet();
    }
}
