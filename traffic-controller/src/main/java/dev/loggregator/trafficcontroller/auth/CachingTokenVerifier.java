package dev.loggregator.trafficcontroller.auth;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Remembers tokens another verifier accepted, so a client that polls (the cf CLI's tail, Cloud
 * Controller's instance stats, Grafana) costs one signature check (or one UAA {@code check_token}) per
 * {@code traffic_controller.auth.token_cache_seconds} rather than one per request. An entry lives until
 * the token expires or the time to live ends, whichever comes first; refused tokens are never kept (a
 * token that fails is verified again each time). Bounded: when full, the expired entries go first and,
 * if none had expired, everything (counted).
 */
public final class CachingTokenVerifier implements TokenVerifier {
    private record Entry(VerifiedToken token, Instant until) {
    }

    private final TokenVerifier verifier;
    private final long ttlMillis;
    private final int maxCached;
    private final Supplier<Instant> clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong shed = new AtomicLong();

    /** {@code maxCached}: the tokens remembered at once. */
    public CachingTokenVerifier(TokenVerifier verifier, int ttlSeconds, int maxCached) {
        this(verifier, ttlSeconds, maxCached, Instant::now);
    }

    CachingTokenVerifier(TokenVerifier verifier, int ttlSeconds, int maxCached, Supplier<Instant> clock) {
        this.verifier = verifier;
        this.ttlMillis = ttlSeconds * 1000L;
        this.maxCached = maxCached;
        this.clock = clock;
    }

    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException {
        VerifiedToken known = cached(token);
        if (known != null) {
            return known;
        }
        VerifiedToken verified = verifier.verify(token);
        Instant now = clock.get();
        Instant until = now.plusMillis(ttlMillis);
        if (verified.expiresAt() != null && verified.expiresAt().isBefore(until)) {
            until = verified.expiresAt();
        }
        if (until.isAfter(now)) {
            if (entries.size() >= maxCached) {
                entries.values().removeIf(entry -> !entry.until().isAfter(now));
                if (entries.size() >= maxCached) {
                    shed.addAndGet(entries.size());
                    entries.clear();
                }
            }
            entries.put(token, new Entry(verified, until));
        }
        return verified;
    }

    @Override
    public VerifiedToken cached(String token) {
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (!entry.until().isAfter(clock.get())) {
            entries.remove(token, entry);
            return null;
        }
        return entry.token();
    }

    /** Tokens remembered now (expired ones included until they are asked for or the cache fills). */
    public long size() {
        return entries.size();
    }

    /** Entries dropped because the cache was full of tokens that had not expired yet. */
    public long shed() {
        return shed.get();
    }
}
