package dev.loggregator.doppler.drains.transport;

/**
 * Moves a drain's queued envelopes to its receiver over one connection of its own, on the
 * drain's event loop (every method runs there). It takes from the {@link Outbox} only as fast as
 * the receiver takes data; meanwhile the drain's bounded queue holds the rest or drops.
 */
public interface DrainWriter {
    /** Sends what is queued as far as the connection lets it now; connects when there is something to send. */
    void pump();

    /** Closes the connection if nothing waits to be sent (the drain was idle); the next envelope reconnects. */
    void closeIfIdle();

    /** Sends a partial batch now instead of waiting for it to fill (the Doppler is stopping). */
    void flush();

    /** Closes the connection for good, discarding what was not sent; the drain is going away. */
    void shutdown();

    /** True while taken messages are still on their way (a request in flight, a partial batch, unflushed bytes). */
    boolean busy();

    /** The writer for the URL's scheme: syslog and syslog-tls stream, https posts each message, https-batch many. */
    static DrainWriter create(Outbox outbox, DrainEndpoint endpoint, WriterSettings settings, DrainStats stats,
                              Runnable onConnectFailure) {
        return switch (endpoint.url().scheme()) {
            case "syslog", "syslog-tls" -> new SyslogStreamWriter(outbox, endpoint, settings, stats, onConnectFailure);
            case "https" -> new HttpsWriter(outbox, endpoint, settings, stats, false);
            case "https-batch" -> new HttpsWriter(outbox, endpoint, settings, stats, true);
            default -> throw new IllegalArgumentException("no writer for scheme " + endpoint.url().scheme());
        };
    }
}
