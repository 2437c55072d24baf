package dev.loggregator.doppler.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who receives what: app streams keyed by v1 app id (each subscriber gets every envelope of its
 * app that has a v1 form) and shared groups keyed by (subscription, matcher): v1 firehoses by
 * subscription id and filter, v2 subscriptions by shard id, selectors and format. Each group gets
 * every envelope its matcher accepts, delivered to one member. Dispatch runs on the router thread;
 * subscribe and unsubscribe on the egress event loops.
 */
public final class Subscriptions {
    /**
     * A group's identity. {@code subscription} is the shared id; a v2 request without a shard id
     * shares with nobody, so it gets a key of its own ({@code subscription} null, {@code owner} the subscriber).
     */
    private record GroupKey(String api, String subscription, Object matcherKey, Object owner) {
    }

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<EnvelopeSubscriber>> appStreams = new ConcurrentHashMap<>();
    private final Map<GroupKey, SharedGroup> groupsByKey = new HashMap<>();
    private volatile SharedGroup[] groups = new SharedGroup[0];
    private volatile long lastDispatched;

    public void dispatch(RoutedEnvelope envelope) {
        String appId = envelope.appId();
        if (appId != null) {
            CopyOnWriteArrayList<EnvelopeSubscriber> streams = appStreams.get(appId);
            if (streams != null) {
                for (EnvelopeSubscriber subscriber : streams) {
                    if (!subscriber.offer(envelope)) {
                        subscriber.dropped(envelope);
                    }
                }
            }
        }
        for (SharedGroup group : groups) {
            group.deliver(envelope);
        }
        // After every queue has it: a subscriber whose queue is empty has had everything up to here.
        lastDispatched = envelope.sequence();
    }

    /** The sequence number of the last envelope dispatched to every subscriber it was for. */
    public long lastDispatched() {
        return lastDispatched;
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

    /**
     * Adds {@code subscriber} to the group of {@code api} ({@code v1} or {@code v2}), {@code subscription}
     * and {@code matcherKey} (created with {@code matcher} when it is the first member); a null
     * subscription makes a group of one. Returns the handle that removes it again.
     */
    public synchronized Runnable addShared(String api, String subscription, Object matcherKey, EnvelopeMatcher matcher,
                                           EnvelopeSubscriber subscriber) {
        GroupKey key = new GroupKey(api, subscription, matcherKey, subscription == null ? subscriber : null);
        SharedGroup group = groupsByKey.get(key);
        if (group == null) {
            group = new SharedGroup(matcher);
            groupsByKey.put(key, group);
            groups = groupsByKey.values().toArray(SharedGroup[]::new);
        }
        group.add(subscriber);
        return () -> removeShared(key, subscriber);
    }

    private synchronized void removeShared(GroupKey key, EnvelopeSubscriber subscriber) {
        SharedGroup group = groupsByKey.get(key);
        if (group != null && group.remove(subscriber)) {
            groupsByKey.remove(key);
            groups = groupsByKey.values().toArray(SharedGroup[]::new);
        }
    }

    /** Members of a shared group now (0 when it does not exist). */
    public synchronized int sharedMembers(String api, String subscription, Object matcherKey) {
        SharedGroup group = subscription == null ? null : groupsByKey.get(new GroupKey(api, subscription, matcherKey, null));
        return group == null ? 0 : group.size();
    }


    public long appStreamCount() {
        return appStreams.values().stream().mapToLong(CopyOnWriteArrayList::size).sum();
    }

    /** Subscribers in the shared groups of {@code api}. */
    public synchronized long sharedCount(String api) {
        return groupsByKey.entrySet().stream().filter(e -> e.getKey().api().equals(api))
                .mapToLong(e -> e.getValue().size()).sum();
    }

    /** Distinct shared groups of {@code api}. */
    public synchronized long sharedGroupCount(String api) {
        return groupsByKey.keySet().stream().filter(key -> key.api().equals(api)).count();
    }
}
