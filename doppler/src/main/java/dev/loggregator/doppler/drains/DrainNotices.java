package dev.loggregator.doppler.drains;

import com.google.protobuf.ByteString;
import dev.loggregator.doppler.logging.RateLimitedLog;
import java.time.Instant;
import java.util.function.Consumer;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the app's developer is told about its drains, in the app's own stream, as the agent tells
 * it ({@code v2.EmitAppLog}: a v2 ERR log with source id the app, instance 0 and source type
 * {@code LGR}, which {@code cf logs} shows as {@code [LGR/0] ERR ...}); the same goes to this
 * component's log. Aggregate drains have no app to tell: their problems go to the log only.
 * Notices enter the Doppler's stream like its own self-metrics.
 */
final class DrainNotices {
    private static final Logger LOG = LoggerFactory.getLogger(DrainNotices.class);

    private final Consumer<Envelope> stream;
    private final long intervalNanos;
    private final RateLimitedLog refusalLog = new RateLimitedLog(LOG);

    DrainNotices(Consumer<Envelope> stream, long intervalNanos) {
        this.stream = stream;
        this.intervalNanos = intervalNanos;
    }

    /** The least time between two notices of one kind for one drain (doppler.syslog_drains.notice_interval_seconds). */
    long intervalNanos() {
        return intervalNanos;
    }

    /** {@code syslog_connector.go}: messages dropped for a drain since the last notice. */
    void lost(SyslogDrain drain, long count) {
        String url = drain.endpoint().url().anonymous();
        String appId = drain.binding().appId();
        LOG.warn("Dropped {} {} logs {} with url {}", count, drain.endpoint().url().scheme(),
                appId == null ? "for aggregate drain" : "for " + appId + "'s app drain", url);
        if (appId != null) {
            tell(appId, count + " messages lost for application " + appId + " in user provided syslog drain with url " + url);
        }
    }

    /** {@code tcp.go}: a syslog drain could not be dialled. */
    void failedToConnect(SyslogDrain drain) {
        String message = "Failed to connect to " + drain.endpoint().url().withoutUserInfo();
        String appId = drain.binding().appId();
        LOG.warn("{} for {}", message, appId == null ? "an aggregate drain" : "app " + appId);
        if (appId != null) {
            tell(appId, message);
        }
    }

    /** {@code binding/poller.go}: a binding that was refused (bad URL, unresolvable or denied host, bad certificate). */
    void refused(String appId, String message) {
        refusalLog.warn("{} for app {}", message, appId);
        tell(appId, message);
    }

    private void tell(String appId, String message) {
        Instant now = Instant.now();
        stream.accept(Envelope.newBuilder()
                .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                .setSourceId(appId)
                .setInstanceId("0")
                .putTags("source_type", "LGR")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(message)).setType(Log.Type.ERR))
                .build());
    }
}
