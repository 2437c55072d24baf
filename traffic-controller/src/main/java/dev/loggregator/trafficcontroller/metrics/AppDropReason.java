package dev.loggregator.trafficcontroller.metrics;

/** Why the Traffic Controller dropped an app's envelope for a client ({@code doppler_proxy_app_dropped_envelopes_total}). */
public enum AppDropReason {
    /** The client's queue was under pressure and the app had sent more than its fair share of it. */
    FAIR_SHARE("fair_share"),
    /** The client's queue was full. */
    BUFFER_FULL("buffer_full"),
    /** Still queued when the client was closed as a slow consumer. */
    SLOW_CONSUMER("slow_consumer");

    private final String label;

    AppDropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
