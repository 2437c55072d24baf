package dev.loggregator.trafficcontroller.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachingTokenVerifierTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger verified = new AtomicInteger();

    /** Accepts "good-*" tokens, valid for 120 s from the first check; refuses the rest. */
    private final TokenVerifier upstream = token -> {
        verified.incrementAndGet();
        if (!token.startsWith("good")) {
            throw new InvalidTokenException("bad signature");
        }
        return new VerifiedToken(Set.of("doppler.firehose"), Instant.parse("2026-01-01T00:02:00Z"), token);
    };

    @Test
    void verifiesATokenOnceWithinTheTimeToLive() throws Exception {
        CachingTokenVerifier cache = new CachingTokenVerifier(upstream, 60, 10_000, now::get);
        assertNull(cache.cached("good-1"));
        VerifiedToken first = cache.verify("good-1");
        now.set(now.get().plusSeconds(59));
        assertSame(first, cache.verify("good-1"));
        assertSame(first, cache.cached("good-1"));
        assertEquals(1, verified.get());
        now.set(now.get().plusSeconds(1));
        assertNull(cache.cached("good-1"), "the time to live is over");
        cache.verify("good-1");
        assertEquals(2, verified.get());
    }

    @Test
    void neverKeepsATokenPastItsExpiry() throws Exception {
        CachingTokenVerifier cache = new CachingTokenVerifier(upstream, 3600, 10_000, now::get);
        cache.verify("good-1");
        now.set(Instant.parse("2026-01-01T00:01:59Z"));
        cache.verify("good-1");
        assertEquals(1, verified.get());
        now.set(Instant.parse("2026-01-01T00:02:00Z"));
        assertNull(cache.cached("good-1"));
    }

    @Test
    void verifiesARefusedTokenEveryTime() {
        CachingTokenVerifier cache = new CachingTokenVerifier(upstream, 60, 10_000, now::get);
        assertThrows(InvalidTokenException.class, () -> cache.verify("forged"));
        assertThrows(InvalidTokenException.class, () -> cache.verify("forged"));
        assertEquals(2, verified.get());
        assertNull(cache.cached("forged"));
    }

    @Test
    void staysWithinItsBoundAndCountsWhatItSheds() throws Exception {
        int max = 500;
        CachingTokenVerifier cache = new CachingTokenVerifier(upstream, 60, max, now::get);
        for (int i = 0; i <= max; i++) {
            cache.verify("good-" + i);
        }
        assertEquals(max, cache.shed());
        assertNull(cache.cached("good-0"));
        assertEquals("good-" + max, cache.cached("good-" + max).user());
    }
}
