package dev.loggregator.trafficcontroller.logcache.promql;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.trafficcontroller.dopplers.DopplerAddress;
import dev.loggregator.trafficcontroller.dopplers.DopplerDirectory;
import dev.loggregator.trafficcontroller.dopplers.DopplerHttp;
import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.Labels;
import dev.loggregator.trafficcontroller.promql.PromQLException;
import dev.loggregator.trafficcontroller.promql.RawSeries;
import dev.loggregator.wire.logcache.LogCacheLink;
import dev.loggregator.wire.logcache.series.SeriesLink.SelectionResult;
import dev.loggregator.wire.logcache.series.SeriesLink.Series;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesRequest;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a query's samples from every Doppler in one {@code POST /logcache/series} each
 * (docs/internal-protocol.md) and merges them: a series (source id and labels) may have samples on
 * several Dopplers, which are put in timestamp order. Timestamps become milliseconds truncated to
 * the second, as Log Cache's querier truncates every envelope's. A Doppler that fails is left out and
 * logged, as for reads; a query no Doppler answered fails.
 */
final class DopplerSeries {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerSeries.class);

    private final DopplerDirectory directory;
    private final DopplerHttp http;

    DopplerSeries(DopplerDirectory directory, DopplerHttp http) {
        this.directory = directory;
        this.http = http;
    }

    CompletableFuture<Map<Expr.VectorSelector, List<RawSeries>>> fetch(List<LogCacheSelections.Selected> selected,
                                                                         long maxSamples) {
        if (selected.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        SeriesRequest.Builder request = SeriesRequest.newBuilder().setMaxSamples(maxSamples);
        selected.forEach(s -> request.addSelections(s.selection()));
        byte[] body = request.build().toByteArray();
        List<DopplerAddress> dopplers = new ArrayList<>(directory.current());
        if (dopplers.isEmpty()) {
            return CompletableFuture.failedFuture(PromQLException.execution("no Doppler is known"));
        }
        List<CompletableFuture<Object>> answers = new ArrayList<>(dopplers.size());
        for (DopplerAddress doppler : dopplers) {
            answers.add(http.post(doppler, LogCacheLink.SERIES_PATH, body, "application/x-protobuf").<Object>thenApply(response -> {
                if (response.status() == 400) {
                    return PromQLException.execution(new String(response.body(), StandardCharsets.UTF_8));
                }
                if (response.status() != 200) {
                    throw new IllegalStateException("status " + response.status());
                }
                try {
                    return SeriesResponse.parseFrom(response.body());
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("not a SeriesResponse: " + e.getMessage());
                }
            }).exceptionally(e -> {
                LOG.warn("Doppler {} did not answer {}: {}", doppler, LogCacheLink.SERIES_PATH, e.toString());
                return null;
            }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<SeriesResponse> responses = new ArrayList<>();
            for (CompletableFuture<Object> answer : answers) {
                Object result = answer.join();
                if (result instanceof PromQLException refused) {
                    throw refused;
                }
                if (result != null) {
                    responses.add((SeriesResponse) result);
                }
            }
            if (responses.isEmpty()) {
                throw PromQLException.execution("no Doppler answered (" + dopplers.size() + " asked)");
            }
            return merge(selected, responses, maxSamples);
        });
    }

    static Map<Expr.VectorSelector, List<RawSeries>> merge(List<LogCacheSelections.Selected> selected,
                                                           List<SeriesResponse> responses, long maxSamples) {
        Map<Expr.VectorSelector, List<RawSeries>> out = new HashMap<>();
        long total = 0;
        for (int i = 0; i < selected.size(); i++) {
            Map<Labels, List<Series>> parts = new LinkedHashMap<>();
            for (SeriesResponse response : responses) {
                SelectionResult result = response.getResults(i);
                for (Series series : result.getSeriesList()) {
                    parts.computeIfAbsent(labels(series), l -> new ArrayList<>()).add(series);
                    total += series.getTimestampsCount();
                }
            }
            if (total > maxSamples) {
                throw PromQLException.execution("query processing would load too many samples into memory in query execution");
            }
            List<RawSeries> series = new ArrayList<>(parts.size());
            parts.forEach((labels, pieces) -> series.add(raw(labels, pieces)));
            series.sort((a, b) -> a.labels().compareTo(b.labels()));
            out.put(selected.get(i).selector(), series);
        }
        return out;
    }

    /** Log Cache's labels: the envelope's tags and instance_id (as the Doppler sends them) plus source_id. */
    private static Labels labels(Series series) {
        Map<String, String> labels = new HashMap<>(series.getLabelNamesCount() + 1);
        for (int i = 0; i < series.getLabelNamesCount(); i++) {
            labels.put(series.getLabelNames(i), series.getLabelValues(i));
        }
        labels.put(LogCacheSelections.SOURCE_ID, series.getSourceId());
        return Labels.of(labels);
    }

    private static RawSeries raw(Labels labels, List<Series> pieces) {
        int size = 0;
        for (Series piece : pieces) {
            size += piece.getTimestampsCount();
        }
        long[] nanos = new long[size];
        double[] values = new double[size];
        int at = 0;
        for (Series piece : pieces) {
            for (int i = 0; i < piece.getTimestampsCount(); i++) {
                nanos[at] = piece.getTimestamps(i);
                values[at++] = piece.getValues(i);
            }
        }
        if (pieces.size() > 1) {
            sortByTime(nanos, values);
        }
        long[] millis = new long[size];
        for (int i = 0; i < size; i++) {
            millis[i] = Math.floorDiv(nanos[i], 1_000_000_000L) * 1000;
        }
        return new RawSeries(labels, millis, values);
    }

    /** A stable sort of samples by timestamp (several Dopplers' parts of one series). */
    private static void sortByTime(long[] nanos, double[] values) {
        Integer[] order = new Integer[nanos.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(nanos[a], nanos[b]));
        long[] sortedNanos = new long[nanos.length];
        double[] sortedValues = new double[values.length];
        for (int i = 0; i < order.length; i++) {
            sortedNanos[i] = nanos[order[i]];
            sortedValues[i] = values[order[i]];
        }
        System.arraycopy(sortedNanos, 0, nanos, 0, nanos.length);
        System.arraycopy(sortedValues, 0, values, 0, values.length);
    }
}
