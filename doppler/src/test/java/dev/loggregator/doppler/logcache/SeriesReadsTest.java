package dev.loggregator.doppler.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.logcache.series.SeriesLink.Matcher;
import dev.loggregator.wire.logcache.series.SeriesLink.Selection;
import dev.loggregator.wire.logcache.series.SeriesLink.SelectionResult;
import dev.loggregator.wire.logcache.series.SeriesLink.Series;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesRequest;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Timer;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.Test;

/** PromQL samples kept with their envelopes: Log Cache's series rules, matchers, ranges, and their life. */
class SeriesReadsTest {
    private static RoutedEnvelope routed(Envelope envelope) {
        return RoutedEnvelope.fromV2(envelope.toByteArray(), envelope, new byte[0][], null, null);
    }

    private static Envelope gauge(String source, String instance, long timestamp, Map<String, Double> metrics) {
        Gauge.Builder gauge = Gauge.newBuilder();
        metrics.forEach((name, value) -> gauge.putMetrics(name, GaugeValue.newBuilder().setValue(value).build()));
        return Envelope.newBuilder().setSourceId(source).setInstanceId(instance).setTimestamp(timestamp)
                .putTags("source_id", "ignored").putTags("deployment", "cf").setGauge(gauge).build();
    }

    private static Envelope counter(String source, String instance, long timestamp, String name, long total) {
        return Envelope.newBuilder().setSourceId(source).setInstanceId(instance).setTimestamp(timestamp)
                .setCounter(Counter.newBuilder().setName(name).setTotal(total)).build();
    }

    private static Selection.Builder select(String metric, String... sources) {
        return Selection.newBuilder().setMetric(metric).addAllSourceIds(List.of(sources)).setStart(0).setEnd(Long.MAX_VALUE);
    }

    private static SelectionResult read(LogCacheStore store, Selection.Builder selection) {
        return new SeriesReads(store).read(SeriesRequest.newBuilder().addSelections(selection).build()).getResults(0);
    }

    private static Map<String, String> labels(Series series) {
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        for (int i = 0; i < series.getLabelNamesCount(); i++) {
            labels.put(series.getLabelNames(i), series.getLabelValues(i));
        }
        return labels;
    }

    @Test
    void gaugesCountersAndTimersGiveLogCachesSamplesAndLabels() {
        LogCacheStore store = new LogCacheStore(1000, Long.MAX_VALUE, 100);
        store.add(routed(gauge("app", "0", 10, Map.of("cpu", 1.5, "memory", 100.0))), 0);
        store.add(routed(gauge("app", "1", 11, Map.of("cpu", 2.5, "memory", 200.0))), 0);
        store.add(routed(gauge("app", "0", 20, Map.of("cpu", 3.5, "memory", 300.0))), 0);
        store.add(routed(counter("app", "0", 12, "http.requests", -1L)), 0);
        store.add(routed(Envelope.newBuilder().setSourceId("app").setTimestamp(13).putDeprecatedTags("zone",
                Value.newBuilder().setText("z1").build()).setTimer(Timer.newBuilder().setName("9lives")
                .setStart(100).setStop(350)).build()), 0);

        SelectionResult cpu = read(store, select("cpu", "app"));
        assertEquals(2, cpu.getSeriesCount());
        Series zero = cpu.getSeriesList().stream().filter(s -> labels(s).get("instance_id").equals("0")).findFirst().orElseThrow();
        assertEquals(Map.of("deployment", "cf", "instance_id", "0"), labels(zero), "tags + instance_id; source_id is the source's");
        assertEquals("app", zero.getSourceId());
        assertEquals(List.of(10L, 20L), zero.getTimestampsList());
        assertEquals(List.of(1.5, 3.5), zero.getValuesList());

        Series counter = read(store, select("http_requests", "app")).getSeries(0);
        assertEquals(1.8446744073709552E19, counter.getValues(0), "a uint64 total");
        Series timer = read(store, select("_lives", "app")).getSeries(0);
        assertEquals(250.0, timer.getValues(0), "stop - start");
        assertEquals(Map.of("zone", "z1"), labels(timer), "deprecated tags are tags, as Log Cache reads them");
        assertEquals(0, read(store, select("http.requests", "app")).getSeriesCount(), "names are matched sanitised");
    }

    @Test
    void matchersRangesAndLastOnly() {
        LogCacheStore store = new LogCacheStore(1000, Long.MAX_VALUE, 100);
        for (int t = 1; t <= 10; t++) {
            for (String instance : new String[] {"0", "1", "2"}) {
                store.add(routed(counter("app", instance, t * 100L, "requests", t)), 0);
            }
        }
        Matcher notOne = Matcher.newBuilder().setName("instance_id").setType(Matcher.Type.NOT_EQUAL).setValue("1").build();
        Matcher twoOrZero = Matcher.newBuilder().setName("instance_id").setType(Matcher.Type.REGEX).setValue("[02]").build();
        Matcher noSuchLabel = Matcher.newBuilder().setName("zone").setType(Matcher.Type.EQUAL).setValue("").build();
        SelectionResult some = read(store, select("requests", "app", "app").addMatchers(notOne).addMatchers(twoOrZero)
                .addMatchers(noSuchLabel).setStart(300).setEnd(600));
        assertEquals(2, some.getSeriesCount(), "a source named twice is read once");
        for (Series series : some.getSeriesList()) {
            assertEquals(List.of(300L, 400L, 500L), series.getTimestampsList(), "start inclusive, end exclusive");
        }
        SelectionResult last = read(store, select("requests", "app").setEnd(1000).setLastOnly(true));
        assertEquals(3, last.getSeriesCount());
        last.getSeriesList().forEach(series -> assertEquals(List.of(900L), series.getTimestampsList()));
        Matcher otherSource = Matcher.newBuilder().setName("source_id").setType(Matcher.Type.NOT_REGEX).setValue("a.p").build();
        assertEquals(0, read(store, select("requests", "app").addMatchers(otherSource)).getSeriesCount());
        assertThrows(IllegalArgumentException.class, () -> new SeriesReads(store).read(SeriesRequest.newBuilder()
                .setMaxSamples(29).addSelections(select("requests", "app")).build()));
    }

    @Test
    void samplesLiveAsLongAsTheirEnvelopesAndCountInTheBudget() {
        LogCacheStore store = new LogCacheStore(5, Long.MAX_VALUE, 100);
        for (int t = 1; t <= 8; t++) {
            store.add(routed(counter("app", "i" + t, t, "requests", t)), 0);
        }
        SelectionResult held = read(store, select("requests", "app"));
        assertEquals(5, held.getSeriesCount(), "the per-source cap expired the oldest envelopes and their series");
        assertEquals(5, store.seriesHeld());
        long withSeries = store.bytesHeld();
        LogCacheStore logsOnly = new LogCacheStore(5, Long.MAX_VALUE, 100);
        for (int t = 1; t <= 8; t++) {
            Envelope log = counter("app", "i" + t, t, "requests", t).toBuilder().clearCounter()
                    .setLog(org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log.getDefaultInstance()).build();
            logsOnly.add(routed(log), 0);
        }
        assertTrue(withSeries > logsOnly.bytesHeld(), "series and samples count in the memory budget");

        LogCacheStore tight = new LogCacheStore(2, Long.MAX_VALUE, 100);
        tight.add(routed(gauge("app", "0", 1, Map.of("a", 1.0, "b", 2.0, "c", 3.0))), 0);
        assertEquals(2, tight.seriesHeld(), "at most max_per_source series per source");
        assertEquals(1, tight.seriesRefused());
    }

    @Test
    void sanitisesAsLogCachesRegexp() {
        assertEquals("http_latency", SourceSeries.sanitise("http.latency"));
        assertEquals("_xx", SourceSeries.sanitise("9xx"));
        assertEquals("_ms_", SourceSeries.sanitise("[ms]"));
        assertEquals("caf__", SourceSeries.sanitise("café!"));
        assertEquals("cpu", SourceSeries.sanitise("cpu"));
    }
}
