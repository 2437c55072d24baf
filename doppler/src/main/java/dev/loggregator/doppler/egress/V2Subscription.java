package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.routing.EnvelopeMatcher;
import dev.loggregator.doppler.routing.V2SelectionMatcher;
import dev.loggregator.wire.v2.link.V2LinkQuery;
import dev.loggregator.wire.v2.select.EnvelopeSelection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;

/**
 * A v2 link request ({@link V2LinkQuery}) as the Doppler serves it: which group it joins (links with
 * the same shard id, selectors, deterministic name and format share the stream; no shard id shares
 * with nobody, as the real Doppler), what it selects, and the format of its records.
 */
record V2Subscription(String shardId, Object groupKey, EnvelopeMatcher matcher, LinkFormat format,
                      String noticeSourceId) {
    static final String PATH = V2LinkQuery.PATH;

    private record GroupKey(List<Selector> selectors, String deterministicName, LinkFormat format) {
    }

    /** @throws IllegalArgumentException for a malformed request or one without usable selectors */
    static V2Subscription parse(Map<String, List<String>> parameters) {
        V2LinkQuery.Request parsed = V2LinkQuery.parse(parameters);
        EgressBatchRequest request = parsed.request();
        EnvelopeSelection selection = EnvelopeSelection.of(request.getSelectorsList());
        LinkFormat format = parsed.format() == V2LinkQuery.Format.JSON ? LinkFormat.JSON
                : request.getUsePreferredTags() ? LinkFormat.V2_PREFERRED_TAGS : LinkFormat.V2_DEPRECATED_TAGS;
        Set<String> sourceIds = selection.sourceIds();
        return new V2Subscription(
                request.getShardId().isEmpty() ? null : request.getShardId(),
                new GroupKey(request.getSelectorsList(), request.getDeterministicName(), format),
                new V2SelectionMatcher(selection, !request.getDeterministicName().isEmpty()),
                format,
                sourceIds.size() == 1 ? sourceIds.iterator().next() : null);
    }
}
