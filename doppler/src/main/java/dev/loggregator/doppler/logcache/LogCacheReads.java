package dev.loggregator.doppler.logcache;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.logcache.LogCacheLink;
import dev.loggregator.wire.v2.TagPreference;
import dev.loggregator.wire.v2.V1ToV2Converter;
import dev.loggregator.wire.v2.V2Kind;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import dev.loggregator.wire.v2.json.WireEnvelopeJson;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.logcache.v1.LogCacheEgress.EnvelopeType;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;

/**
 * Answers a Log Cache read from this Doppler's store (log-cache-release {@code local_store_reader.go} and
 * {@code store.go}): [start_time, end_time) with end_time now by default, at most {@code limit} (100 by
 * default, 1,000 at most), the envelope types asked for ({@code ANY} ignored), oldest or newest first,
 * and a name filter (a regex on counter and timer names and gauge metric names: gauges keep only the
 * matching metrics, everything else is left out). Each envelope leaves as v2 with preferred tags, as
 * protobuf or as protojson; what arrived as v1 is converted by tov2 rules here, on read.
 */
public final class LogCacheReads {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private final LogCacheStore store;
    private final LogCacheMetrics metrics;

    public LogCacheReads(LogCacheStore store, LogCacheMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    public LogCacheStore store() {
        return store;
    }

    /**
     * Answers a read into {@code out} as the internal protocol's records ({@link LogCacheLink#startRecord}):
     * a stored v2 log envelope becomes protojson straight from its bytes ({@link WireEnvelopeJson}), with
     * no envelope object and no byte array of its own on the way.
     *
     * @param nowNanos the end of the range when the request gives none
     * @throws IllegalArgumentException with Log Cache's own message for a request it refuses
     */
    public void readInto(ReadRequest request, boolean json, long nowNanos, ByteBuf out) {
        long started = System.nanoTime();
        List<SourceLog.Entry> entries = entries(request, nowNanos);
        out.ensureWritable(entries.size() * (LogCacheLink.RECORD_OVERHEAD + (json ? 600 : 300)));
        WireEnvelopeJson writer = json ? new WireEnvelopeJson() : null;
        for (SourceLog.Entry entry : entries) {
            int record = LogCacheLink.startRecord(out, entry.timestamp());
            if (!(json && !StoredKind.isV1(entry.kind()) && writer.write(entry.bytes(), out))) {
                out.writeBytes(encode(entry, json));
            }
            LogCacheLink.endRecord(out, record);
        }
        metrics.readTook(System.nanoTime() - started);
    }

    private List<SourceLog.Entry> entries(ReadRequest request, long nowNanos) {
        validate(request);
        long end = request.getEndTime() == 0 ? nowNanos : request.getEndTime();
        int limit = request.getLimit() == 0 ? DEFAULT_LIMIT : (int) request.getLimit();
        Pattern nameFilter = nameFilter(request.getNameFilter());
        int kindMask = kindMask(request.getEnvelopeTypesList());
        return store.read(request.getSourceId(), request.getStartTime(), end, limit,
                request.getDescending(), kindMask, nameFilter == null ? entry -> entry
                        : entry -> filtered(entry, nameFilter));
    }

    /** The checks of Log Cache's LocalStoreReader, in its order and with its messages. */
    public static void validate(ReadRequest request) {
        if (request.getEndTime() != 0 && request.getStartTime() > request.getEndTime()) {
            throw new IllegalArgumentException("StartTime (" + request.getStartTime() + ") must be before EndTime ("
                    + request.getEndTime() + ")");
        }
        if (request.getLimit() > MAX_LIMIT) {
            throw new IllegalArgumentException("limit (" + request.getLimit() + ") must be 1000 or less");
        }
        if (request.getLimit() < 0) {
            throw new IllegalArgumentException("limit (" + request.getLimit() + ") must be greater than zero");
        }
        nameFilter(request.getNameFilter());
    }

    private static Pattern nameFilter(String regex) {
        if (regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("name filter must be a valid regular expression: " + e.getDescription());
        }
    }

    private static int kindMask(List<EnvelopeType> types) {
        int mask = 0;
        for (EnvelopeType type : types) {
            switch (type) {
                case LOG -> mask |= V2Kind.LOG.bit();
                case COUNTER -> mask |= V2Kind.COUNTER.bit();
                case GAUGE -> mask |= V2Kind.GAUGE.bit();
                case TIMER -> mask |= V2Kind.TIMER.bit();
                case EVENT -> mask |= V2Kind.EVENT.bit();
                default -> {
                    // ANY, and numbers this version has no name for, select nothing by themselves
                }
            }
        }
        return mask == 0 ? -1 : mask;
    }

    /** Under the source's lock: the entry as v2, trimmed to the name filter, or null when nothing matches. */
    private static SourceLog.Entry filtered(SourceLog.Entry entry, Pattern nameFilter) {
        Envelope envelope = v2(entry);
        Envelope matching = switch (envelope.getMessageCase()) {
            case COUNTER -> nameFilter.matcher(envelope.getCounter().getName()).find() ? envelope : null;
            case TIMER -> nameFilter.matcher(envelope.getTimer().getName()).find() ? envelope : null;
            case GAUGE -> {
                Gauge.Builder kept = Gauge.newBuilder();
                envelope.getGauge().getMetricsMap().forEach((name, value) -> {
                    if (nameFilter.matcher(name).find()) {
                        kept.putMetrics(name, value);
                    }
                });
                yield kept.getMetricsCount() == 0 ? null : envelope.toBuilder().setGauge(kept).build();
            }
            default -> null;
        };
        return matching == null ? null
                : new SourceLog.Entry(entry.timestamp(), (byte) 0, matching.toByteArray());
    }

    private static byte[] encode(SourceLog.Entry entry, boolean json) {
        boolean v1 = StoredKind.isV1(entry.kind());
        if (!json && !v1) {
            Envelope parsed = parseV2(entry.bytes());
            return TagPreference.PREFERRED.isNoOp(parsed) ? entry.bytes() : TagPreference.PREFERRED.apply(parsed).toByteArray();
        }
        Envelope envelope = v2(entry);
        return json ? EnvelopeJson.encode(envelope) : envelope.toByteArray();
    }

    /** The stored entry as a v2 envelope with preferred tags. */
    static Envelope v2(SourceLog.Entry entry) {
        if (StoredKind.isV1(entry.kind())) {
            try {
                return V1ToV2Converter.convert(EventFactory.Envelope.parseFrom(entry.bytes()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("a stored v1 envelope no longer parses", e);
            }
        }
        return TagPreference.PREFERRED.apply(parseV2(entry.bytes()));
    }

    private static Envelope parseV2(byte[] bytes) {
        try {
            return Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored v2 envelope no longer parses", e);
        }
    }
}
