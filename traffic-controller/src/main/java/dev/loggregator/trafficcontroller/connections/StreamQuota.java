package dev.loggregator.trafficcontroller.connections;

import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many firehose and {@code /v2/read} streams one token (its user or client) and one subscription
 * id may hold open on this Traffic Controller. A stream's place is taken before its handshake is
 * answered and given back when its connection closes; the maps hold only keys with open streams, so
 * they are bounded by the connection limit.
 */
public final class StreamQuota {
    /** Why a stream was refused; its label in {@code doppler_proxy_refusals_total{reason}}. */
    public enum Refusal {
        TOKEN("token_stream_limit"),
        SUBSCRIPTION("subscription_stream_limit");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private final int perToken;
    private final int perSubscription;
    private final ConcurrentHashMap<String, Integer> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> subscriptions = new ConcurrentHashMap<>();

    public StreamQuota(int perToken, int perSubscription) {
        this.perToken = perToken;
        this.perSubscription = perSubscription;
    }

    /**
     * Takes a place for a stream of {@code user} (null when access control is off: no token limit)
     * on {@code subscription} (null when the stream has none) on {@code channel}, given back when the
     * channel closes; returns null, or why there is no room (then nothing was taken).
     */
    public Refusal acquire(Channel channel, String user, String subscription) {
        if (user != null && !take(tokens, user, perToken)) {
            return Refusal.TOKEN;
        }
        if (subscription != null && !take(subscriptions, subscription, perSubscription)) {
            if (user != null) {
                give(tokens, user);
            }
            return Refusal.SUBSCRIPTION;
        }
        channel.closeFuture().addListener(closed -> {
            if (user != null) {
                give(tokens, user);
            }
            if (subscription != null) {
                give(subscriptions, subscription);
            }
        });
        return null;
    }

    public int perToken() {
        return perToken;
    }

    public int perSubscription() {
        return perSubscription;
    }

    private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int limit) {
        boolean[] taken = {false};
        counts.compute(key, (k, held) -> {
            int current = held == null ? 0 : held;
            if (current >= limit) {
                return held;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    private static void give(ConcurrentHashMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
    }
}
