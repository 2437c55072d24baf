package dev.loggregator.e2e.bench;

/**
 * A consumer of one of the read APIs, run in the benchmark's JVM: it counts the benchmark's envelopes
 * into its {@link DeliveryCounter}, and the server may end it.
 */
interface BenchReader extends AutoCloseable {
    DeliveryCounter counter();

    boolean isOpen();

    /** Why the stream ended (null while it is open). */
    String closedReason();

    /** What the reader checked of the envelopes' content beyond counting them (empty when nothing). */
    default String verification() {
        return "";
    }

    @Override
    void close();
}
