package dev.loggregator.e2e.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A client reading the system the way nozzles and {@code logs tail} do: one or more connections
 * (members of one subscription) that each reconnect 100 ms after their stream ends or a connect
 * fails, for as long as they run. Everything they receive goes into one {@link Arrivals}.
 */
abstract class Consumer {
    private static final long RECONNECT_NANOS = 100_000_000L;

    private final String name;
    private final Arrivals arrivals;
    private final int appIndex;
    private final int connectionCount;
    private final List<Thread> connections = new ArrayList<>();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    /** Bumped by {@link #stop}: a connection loop of an older generation ends. */
    private volatile int generation;

    /** {@code appIndex}: the one app this consumer reads, or -1 for all. */
    Consumer(String name, Arrivals arrivals, int appIndex, int connections) {
        this.name = name;
        this.arrivals = arrivals;
        this.appIndex = appIndex;
        this.connectionCount = connections;
    }

    int connectionCount() {
        return connectionCount;
    }

    /** Starts one more connection with its reconnecting loop. */
    synchronized void startConnection() {
        int mine = generation;
        Thread thread = new Thread(() -> connectionLoop(() -> generation == mine), name + " #" + connections.size());
        thread.setDaemon(true);
        connections.add(thread);
        thread.start();
    }

    /** Connections open now. */
    int openConnections() {
        return open.get();
    }

    String name() {
        return name;
    }

    Arrivals arrivals() {
        return arrivals;
    }

    /** Whether this consumer is meant to get app {@code app}'s lines. */
    boolean reads(int app) {
        return appIndex < 0 || appIndex == app;
    }

    /** Connections that ended (each is then opened again), over the consumer's life. */
    long disconnects() {
        return disconnects.get();
    }

    private void connectionLoop(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            boolean[] opened = {false};
            try {
                readUntilTheStreamEnds(() -> {
                    opened[0] = true;
                    open.incrementAndGet();
                }, running);
            } catch (RuntimeException e) {
                // Refused, reset, handshake rejected while a component is down: try again.
            }
            if (opened[0]) {
                open.decrementAndGet();
            }
            if (running.getAsBoolean()) {
                disconnects.incrementAndGet();
                LockSupport.parkNanos(RECONNECT_NANOS);
            }
        }
    }

    /**
     * Opens one connection, runs {@code opened} once it streams, and reads it until it ends or
     * {@code running} turns false; returns or throws then.
     */
    protected abstract void readUntilTheStreamEnds(Runnable opened, BooleanSupplier running);

    /** Ends every connection now (called from another thread). */
    protected abstract void abortConnections();

    /** Ends every connection and stops reconnecting; {@link #startConnection} opens them again. */
    synchronized void stop() {
        generation++;
        abortConnections();
        for (Thread connection : connections) {
            try {
                connection.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connections.clear();
    }
}
