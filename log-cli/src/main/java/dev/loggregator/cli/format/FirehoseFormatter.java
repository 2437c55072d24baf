package dev.loggregator.cli.format;

import dev.loggregator.wire.uuid.V1Uuids;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.HttpFactory.HttpStartStop;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;

/**
 * One readable line per firehose envelope, whatever its type: the envelope time (cf format),
 * the event type, the emitter ({@code origin}, plus {@code job/index} when set) and the payload:
 * <pre>
 *    2017-06-22T14:41:58.84-0700 LogMessage rep app=6f1e... [APP/PROC/WEB/0] OUT hello\nworld
 *    2017-06-22T14:41:58.84-0700 ValueMetric DopplerServer/doppler/0 ingress=1024 count
 *    2017-06-22T14:41:58.84-0700 CounterEvent gorouter requests +3 total=1290
 *    2017-06-22T14:41:58.84-0700 ContainerMetric rep app=6f1e.../0 cpu=1.5% memory=25.5M/1G disk=120.1M/1G
 *    2017-06-22T14:41:58.84-0700 HttpStartStop gorouter app=6f1e.../0 GET http://x/ 200 512B 12.3ms Server 10.0.0.1:5000
 *    2017-06-22T14:41:58.84-0700 Error api source=cc code=500 it broke
 *    2017-06-22T14:41:58.84-0700 Event 6f1e.../0 title: body          (v2 only)
 * </pre>
 * Newlines inside log text are shown as {@code \n} so that every envelope stays on one line.
 */
public final class FirehoseFormatter {
    private final LogLineFormatter clock;
    private final boolean color;

    public FirehoseFormatter(ZoneId zone, boolean color) {
        this.clock = new LogLineFormatter(zone, false);
        this.color = color;
    }

    public String line(Envelope envelope) {
        StringBuilder line = new StringBuilder(160).append("   ")
                .append(clock.timestamp(timestamp(envelope))).append(' ')
                .append(envelope.getEventType().name()).append(' ')
                .append(envelope.getOrigin());
        if (!envelope.getJob().isEmpty()) {
            line.append('/').append(envelope.getJob()).append('/').append(envelope.getIndex());
        }
        line.append(' ');
        boolean err = false;
        switch (envelope.getEventType()) {
            case LogMessage -> {
                LogMessage log = envelope.getLogMessage();
                err = log.getMessageType() == LogMessage.MessageType.ERR;
                line.append("app=").append(log.getAppId()).append(" [").append(log.getSourceType()).append('/')
                        .append(log.getSourceInstance()).append("] ").append(err ? "ERR " : "OUT ")
                        .append(oneLine(log.getMessage().toString(StandardCharsets.UTF_8)));
            }
            case ValueMetric -> {
                ValueMetric metric = envelope.getValueMetric();
                line.append(metric.getName()).append('=').append(number(metric.getValue())).append(' ').append(metric.getUnit());
            }
            case CounterEvent -> {
                CounterEvent counter = envelope.getCounterEvent();
                line.append(counter.getName()).append(" +").append(Long.toUnsignedString(counter.getDelta()));
                if (counter.hasTotal()) {
                    line.append(" total=").append(Long.toUnsignedString(counter.getTotal()));
                }
            }
            case ContainerMetric -> {
                ContainerMetric metric = envelope.getContainerMetric();
                line.append("app=").append(metric.getApplicationId()).append('/').append(metric.getInstanceIndex())
                        .append(" cpu=").append(number(metric.getCpuPercentage())).append('%')
                        .append(" memory=").append(ofQuota(metric.getMemoryBytes(), metric.getMemoryBytesQuota()))
                        .append(" disk=").append(ofQuota(metric.getDiskBytes(), metric.getDiskBytesQuota()));
            }
            case HttpStartStop -> appendHttp(line, envelope.getHttpStartStop());
            case Error -> {
                ErrorFactory.Error error = envelope.getError();
                err = true;
                line.append("source=").append(error.getSource()).append(" code=").append(error.getCode())
                        .append(' ').append(oneLine(error.getMessage()));
            }
        }
        return err && color ? "\u001b[31m" + line + "\u001b[0m" : line.toString();
    }

    /** A v2 event, which has no v1 form: source id (and instance), title and body. */
    public String eventLine(org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope envelope) {
        StringBuilder line = new StringBuilder(120).append("   ")
                .append(clock.timestamp(envelope.getTimestamp())).append(" Event ").append(envelope.getSourceId());
        if (!envelope.getInstanceId().isEmpty()) {
            line.append('/').append(envelope.getInstanceId());
        }
        return line.append(' ').append(oneLine(envelope.getEvent().getTitle())).append(": ")
                .append(oneLine(envelope.getEvent().getBody())).toString();
    }

    private static void appendHttp(StringBuilder line, HttpStartStop http) {
        if (http.hasApplicationId()) {
            line.append("app=").append(V1Uuids.format(http.getApplicationId()));
            if (http.hasInstanceIndex()) {
                line.append('/').append(http.getInstanceIndex());
            }
            line.append(' ');
        }
        double millis = (http.getStopTimestamp() - http.getStartTimestamp()) / 1e6;
        line.append(http.getMethod().name()).append(' ').append(http.getUri()).append(' ')
                .append(http.getStatusCode()).append(' ').append(http.getContentLength()).append("B ")
                .append(number(Math.round(millis * 10) / 10.0)).append("ms ")
                .append(http.getPeerType().name()).append(' ').append(http.getRemoteAddress())
                .append(" request=").append(V1Uuids.format(http.getRequestId()));
    }

    /** The envelope's time, else the payload's own time for log messages from old emitters. */
    private static long timestamp(Envelope envelope) {
        if (envelope.hasTimestamp()) {
            return envelope.getTimestamp();
        }
        return envelope.hasLogMessage() ? envelope.getLogMessage().getTimestamp() : 0;
    }

    private static String ofQuota(long used, long quota) {
        return quota == 0 ? ByteSize.format(used) : ByteSize.format(used) + "/" + ByteSize.format(quota);
    }

    /** 12, 12.5, 0.001 (no exponent, no trailing zeros); NaN and infinities as Java writes them. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String oneLine(String text) {
        String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return trimmed.replace("\r", "\\r").replace("\n", "\\n");
    }
}
