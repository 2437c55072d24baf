package dev.loggregator.doppler.metrics;

/** Why an envelope was not delivered. */
public enum DropReason implements MetricLabel {
    /** The ingress hand-off was full: the router fell behind every sender together. */
    INGRESS_SHED("ingress_shed"),
    /** One subscriber's queue was full; only that subscriber misses it. */
    SLOW_SUBSCRIBER("slow_subscriber"),
    /** Not a protobuf message, or a v1 envelope missing required fields. */
    MALFORMED("malformed"),
    /** Larger than doppler.max_envelope_bytes. */
    OVERSIZE("oversize"),
    /** A UDP datagram without a valid HMAC-SHA256 signature. */
    BAD_SIGNATURE("bad_signature"),
    /** A link came back after a break longer than the replay ring holds (an upper bound: not all were for it). */
    REPLAY_GAP("replay_gap"),
    /** Shed under overload because the app sent more than its fair share (FairShare). */
    FAIR_SHARE("fair_share"),
    /** An app instance's log over its doppler.log_rate_limit (or within the second after it went over). */
    LOG_RATE_LIMIT("log_rate_limit");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
