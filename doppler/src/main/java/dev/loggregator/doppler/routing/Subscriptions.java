package dev.loggregator.doppler.routing;

import dev.loggregator.wire.filter.EnvelopeFilter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who receives what: app streams keyed by app id (each subscriber gets every envelope of its
 * app) and firehose groups keyed by (subscription id, filter) (each group gets every envelope
 * its filter accepts, delivered to one member). Dispatch runs on the router thread; subscribe and
 * unsubscribe on the egress event loops.
 */
public final class Subscriptions {
    private record GroupKey(String subscriptionId, EnvelopeFilter filter) {
    }

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<EnvelopeSubscriber>> appStreams = new ConcurrentHashMap<>();
    private final Map<GroupKey, FirehoseGroup> groupsByKey = new HashMap<>();
    private volatile FirehoseGroup[] groups = new FirehoseGroup[0];

    public void dispatch(RoutedEnvelope envelope) {
        CopyOnWriteArrayList<EnvelopeSubscriber> streams = appStreams.get(envelope.appId());
        if (streams != null) {
            for (EnvelopeSubscriber subscriber : streams) {
                if (!subscriber.offer(envelope)) {
                    subscriber.dropped(envelope);
                }
            }
        }
        for (FirehoseGroup group : groups) {
            group.deliver(envelope);
        }
    }

    public void addAppStream(String appId, EnvelopeSubscriber subscriber) {
        appStreams.computeIfAbsent(appId, k -> new CopyOnWriteArrayList<>()).add(subscriber);
    }

    public void removeAppStream(String appId, EnvelopeSubscriber subscriber) {
        appStreams.computeIfPresent(appId, (k, list) -> {
            list.remove(subscriber);
            return list.isEmpty() ? null : list;
        });
    }

    public synchronized void addFirehose(String subscriptionId, EnvelopeFilter filter, EnvelopeSubscriber subscriber) {
        FirehoseGroup group = groupsByKey.get(new GroupKey(subscriptionId, filter));
        if (group == null) {
            group = new FirehoseGroup(filter);
            groupsByKey.put(new GroupKey(subscriptionId, filter), group);
            groups = groupsByKey.values().toArray(FirehoseGroup[]::new);
        }
        group.add(subscriber);
    }

    public synchronized void removeFirehose(String subscriptionId, EnvelopeFilter filter, EnvelopeSubscriber subscriber) {
        GroupKey key = new GroupKey(subscriptionId, filter);
        FirehoseGroup group = groupsByKey.get(key);
        if (group != null && group.remove(subscriber)) {
            groupsByKey.remove(key);
            groups = groupsByKey.values().toArray(FirehoseGroup[]::new);
        }
    }

    public long appStreamCount() {
        return appStreams.values().stream().mapToLong(CopyOnWriteArrayList::size).sum();
    }

    public synchronized long firehoseCount() {
        return groupsByKey.values().stream().mapToLong(FirehoseGroup::size).sum();
    }

    public synchronized long firehoseGroupCount() {
        return groupsByKey.size();
    }
}
