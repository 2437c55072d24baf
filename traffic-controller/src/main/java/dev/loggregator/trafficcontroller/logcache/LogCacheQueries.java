package dev.loggregator.trafficcontroller.logcache;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.trafficcontroller.dopplers.DopplerAddress;
import dev.loggregator.trafficcontroller.dopplers.DopplerDirectory;
import dev.loggregator.trafficcontroller.dopplers.DopplerHttp;
import dev.loggregator.wire.logcache.LogCacheLink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaInfo;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaResponse;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log Cache reads over every Doppler: each holds the envelopes agents sent to it, so a read asks all
 * of them at once (docs/internal-protocol.md) and merges: the answers are each in order and each at
 * most {@code limit} long, so the merged first {@code limit} (plus any more with the last one's
 * timestamp, as Log Cache never cuts a run of equal timestamps) is exactly what one store holding
 * everything would answer. A Doppler that fails or is slow is left out of the answer and logged; a
 * read no Doppler answered fails.
 */
public final class LogCacheQueries {
    private static final Logger LOG = LoggerFactory.getLogger(LogCacheQueries.class);

    /** A read the Dopplers refused (an invalid request): the message Log Cache gives for it. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** No Doppler answered. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final DopplerDirectory directory;
    private final DopplerHttp http;

    public LogCacheQueries(DopplerDirectory directory, DopplerHttp http) {
        this.directory = directory;
        this.http = http;
    }

    /** The merged records of a read, in the order asked; each record's envelope is protojson or marshalled v2. */
    public CompletableFuture<List<LogCacheLink.Record>> read(ReadRequest request, boolean json, int limit) {
        String path = LogCacheLink.readPathAndQuery(request, json);
        return gather(path, body -> LogCacheLink.readRecords(body))
                .thenApply(answers -> merge(answers, limit, request.getDescending()));
    }

    /** Every Doppler's per-source meta, summed per source. */
    public CompletableFuture<Map<String, MetaInfo>> meta() {
        return gather(LogCacheLink.META_PATH, body -> {
            try {
                return MetaResponse.parseFrom(body).getMetaMap();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("not a MetaResponse: " + e.getMessage());
            }
        }).thenApply(answers -> {
            Map<String, MetaInfo> merged = new HashMap<>();
            for (Map<String, MetaInfo> answer : answers) {
                answer.forEach((source, info) -> merged.merge(source, info, LogCacheQueries::sum));
            }
            return merged;
        });
    }

    private static MetaInfo sum(MetaInfo a, MetaInfo b) {
        return MetaInfo.newBuilder()
                .setCount(a.getCount() + b.getCount())
                .setExpired(a.getExpired() + b.getExpired())
                .setOldestTimestamp(a.getCount() == 0 ? b.getOldestTimestamp() : b.getCount() == 0 ? a.getOldestTimestamp()
                        : Math.min(a.getOldestTimestamp(), b.getOldestTimestamp()))
                .setNewestTimestamp(Math.max(a.getNewestTimestamp(), b.getNewestTimestamp()))
                .build();
    }

    static List<LogCacheLink.Record> merge(List<List<LogCacheLink.Record>> answers, int limit, boolean descending) {
        List<LogCacheLink.Record> all = new ArrayList<>();
        answers.forEach(all::addAll);
        // Stable: records of one Doppler with equal timestamps keep that Doppler's order.
        all.sort(descending ? (a, b) -> Long.compare(b.timestamp(), a.timestamp())
                : (a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        int end = Math.min(limit, all.size());
        while (end > 0 && end < all.size() && all.get(end).timestamp() == all.get(end - 1).timestamp()) {
            end++;
        }
        return all.subList(0, end);
    }

    private interface BodyReader<T> {
        T read(byte[] body);
    }

    private <T> CompletableFuture<List<T>> gather(String path, BodyReader<T> reader) {
        List<DopplerAddress> dopplers = new ArrayList<>(directory.current());
        if (dopplers.isEmpty()) {
            return CompletableFuture.failedFuture(new Unavailable("no Doppler is known"));
        }
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (DopplerAddress doppler : dopplers) {
            answers.add(http.get(doppler, path).<Object>thenApply(response -> {
                if (response.status() == 400) {
                    return new Refused(new String(response.body(), StandardCharsets.UTF_8));
                }
                if (response.status() != 200) {
                    throw new IllegalStateException("status " + response.status());
                }
                return reader.read(response.body());
            }).exceptionally(e -> {
                LOG.warn("Doppler {} did not answer {}: {}", doppler, path.split("\\?")[0], e.toString());
                return null;
            }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<T> results = new ArrayList<>();
            for (CompletableFuture<Object> answer : answers) {
                Object result = answer.join();
                if (result instanceof Refused refused) {
                    throw refused;
                }
                if (result != null) {
                    @SuppressWarnings("unchecked")
                    T typed = (T) result;
                    results.add(typed);
                }
            }
            if (results.isEmpty()) {
                throw new Unavailable("no Doppler answered (" + dopplers.size() + " asked)");
            }
            return results;
        });
    }
}
