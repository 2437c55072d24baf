package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.promql.Evaluator;
import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.LabelMatcher;
import dev.loggregator.trafficcontroller.promql.Labels;
import dev.loggregator.trafficcontroller.promql.PromQLException;
import dev.loggregator.trafficcontroller.promql.Selectors;
import dev.loggregator.trafficcontroller.promql.Steps;
import dev.loggregator.wire.logcache.series.SeriesLink.Matcher;
import dev.loggregator.wire.logcache.series.SeriesLink.Selection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each selector of a query reads from Log Cache (log-cache-release {@code promql.go LogCacheQuerier}):
 * the sources its {@code source_id} matchers name ({@code =}, and {@code =~} split on {@code |}, read
 * literally); the metric its {@code __name__} matcher names; envelopes up to, not including, the query's
 * end. Log Cache reads every selector from one second before the query's whole window (its start less
 * the largest offset plus lookback or range); each selector here asks only for the part it can use, from
 * its own window's start (earlier samples, truncated to the second, fall before it anyway), and the
 * plain selectors of an instant query only for each series' newest sample.
 */
final class LogCacheSelections {
    static final String SOURCE_ID = "source_id";
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private LogCacheSelections() {
    }

    /** One selector of the query and what to ask the Dopplers for it. */
    record Selected(Expr.VectorSelector selector, Selection selection) {
    }

    /** @throws PromQLException Log Cache's error for a selector without a {@code source_id} */
    static List<Selected> plan(Expr expr, Steps steps) {
        Map<Expr.VectorSelector, Long> needed = new LinkedHashMap<>();
        Set<Expr.VectorSelector> instant = new LinkedHashSet<>();
        Selectors.walk(expr, (selector, range) -> {
            long reach = selector.offsetMillis() + (range == null ? Evaluator.LOOKBACK_MILLIS : range);
            needed.merge(selector, reach, Math::max);
            if (range == null) {
                instant.add(selector);
            }
        });
        long end = steps.end() * NANOS_PER_MILLI;
        List<Selected> out = new ArrayList<>();
        for (Map.Entry<Expr.VectorSelector, Long> entry : needed.entrySet()) {
            Expr.VectorSelector selector = entry.getKey();
            Selection.Builder selection = Selection.newBuilder()
                    .setMetric(metric(selector))
                    .setStart((steps.start() - entry.getValue()) * NANOS_PER_MILLI)
                    .setEnd(end)
                    .setLastOnly(steps.isInstant() && selector.offsetMillis() == 0 && instant.contains(selector)
                            && reachIsLookbackOnly(expr, selector));
            Set<String> sourceIds = sourceIds(selector.matchers());
            if (sourceIds.isEmpty()) {
                throw PromQLException.execution("metric '" + metric(selector) + "' does not have a 'source_id' label");
            }
            selection.addAllSourceIds(sourceIds);
            for (LabelMatcher matcher : selector.matchers()) {
                if (!matcher.name().equals(Labels.METRIC_NAME)) {
                    selection.addMatchers(Matcher.newBuilder().setName(matcher.name()).setValue(matcher.value())
                            .setType(Matcher.Type.forNumber(matcher.type().ordinal())));
                }
            }
            out.add(new Selected(selector, selection.build()));
        }
        return out;
    }

    /** A selector used both plainly and under a range needs every sample, not only the newest. */
    private static boolean reachIsLookbackOnly(Expr expr, Expr.VectorSelector selector) {
        boolean[] ranged = {false};
        Selectors.walk(expr, (s, range) -> {
            if (s.equals(selector) && range != null) {
                ranged[0] = true;
            }
        });
        return !ranged[0];
    }

    /** Log Cache's metric name: the value of the {@code __name__} matcher, whatever its operator ("" without one). */
    static String metric(Expr.VectorSelector selector) {
        String metric = "";
        for (LabelMatcher matcher : selector.matchers()) {
            if (matcher.name().equals(Labels.METRIC_NAME)) {
                metric = matcher.value();
            }
        }
        return metric;
    }

    /** The source ids a selector reads: {@code source_id="a"} reads a, {@code source_id=~"a|b"} reads a and b. */
    static Set<String> sourceIds(List<LabelMatcher> matchers) {
        Set<String> ids = new LinkedHashSet<>();
        for (LabelMatcher matcher : matchers) {
            if (!matcher.name().equals(SOURCE_ID)) {
                continue;
            }
            if (matcher.type() == LabelMatcher.Type.EQUAL) {
                ids.add(matcher.value());
            } else if (matcher.type() == LabelMatcher.Type.REGEX) {
                ids.addAll(List.of(matcher.value().split("\\|", -1)));
            }
        }
        return ids;
    }
}
