package dev.loggregator.trafficcontroller.v2;

import java.util.List;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.CounterSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EventSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.GaugeSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.LogSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.TimerSelector;

/**
 * The RLP gateway's {@code /v2/read} query (loggregator-release {@code rlp-gateway/internal/web/selector_builder.go}):
 * presence flags {@code log}, {@code counter}, {@code gauge}, {@code timer}, {@code event}; repeatable
 * {@code counter.name} and {@code gauge.name} (a gauge name may list several metrics, comma-separated,
 * all of which must be present) that imply their type; repeatable {@code source_id} (one selector per
 * type per source id; none means every source); {@code shard_id} and {@code deterministic_name} passed
 * on. Tags are always the preferred ones, as the gateway asks.
 */
final class ReadQuery {
    private static final List<String> TYPES = List.of("log", "counter", "gauge", "timer", "event");

    private ReadQuery() {
    }

    /** The request, or the gateway's 400 for an empty query or one without an envelope type. */
    static EgressBatchRequest parse(Map<String, List<String>> query) throws V2Error {
        if (query.isEmpty()) {
            throw V2Error.EMPTY_QUERY;
        }
        if (!query.containsKey("counter.name") && !query.containsKey("gauge.name")
                && TYPES.stream().noneMatch(query::containsKey)) {
            throw V2Error.MISSING_ENVELOPE_TYPE;
        }
        List<String> sourceIds = query.getOrDefault("source_id", List.of(""));
        EgressBatchRequest.Builder request = EgressBatchRequest.newBuilder()
                .setShardId(first(query, "shard_id"))
                .setDeterministicName(first(query, "deterministic_name"))
                .setUsePreferredTags(true);
        for (String sourceId : sourceIds) {
            if (query.containsKey("log")) {
                request.addSelectors(Selector.newBuilder().setSourceId(sourceId).setLog(LogSelector.getDefaultInstance()));
            }
            List<String> counterNames = query.get("counter.name");
            if (counterNames != null) {
                for (String name : counterNames) {
                    request.addSelectors(Selector.newBuilder().setSourceId(sourceId)
                            .setCounter(CounterSelector.newBuilder().setName(name)));
                }
            } else if (query.containsKey("counter")) {
                request.addSelectors(Selector.newBuilder().setSourceId(sourceId).setCounter(CounterSelector.getDefaultInstance()));
            }
            List<String> gaugeNames = query.get("gauge.name");
            if (gaugeNames != null) {
                for (String names : gaugeNames) {
                    request.addSelectors(Selector.newBuilder().setSourceId(sourceId)
                            .setGauge(GaugeSelector.newBuilder().addAllNames(List.of(names.split(",", -1)))));
                }
            } else if (query.containsKey("gauge")) {
                request.addSelectors(Selector.newBuilder().setSourceId(sourceId).setGauge(GaugeSelector.getDefaultInstance()));
            }
            if (query.containsKey("timer")) {
                request.addSelectors(Selector.newBuilder().setSourceId(sourceId).setTimer(TimerSelector.getDefaultInstance()));
            }
            if (query.containsKey("event")) {
                request.addSelectors(Selector.newBuilder().setSourceId(sourceId).setEvent(EventSelector.getDefaultInstance()));
            }
        }
        return request.build();
    }

    /** The source ids named, without the empty "every source" placeholder. */
    static List<String> sourceIds(Map<String, List<String>> query) {
        return query.getOrDefault("source_id", List.of());
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }
}
