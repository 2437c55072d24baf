package dev.loggregator.trafficcontroller.auth;

/** Checks a bearer token (without the {@code bearer } prefix). May block: called off the event loop. */
public interface TokenVerifier {
    VerifiedToken verify(String token) throws InvalidTokenException;

    /** What {@link #verify} would answer, when that is known without blocking (a cached answer); else null. */
    default VerifiedToken cached(String token) {
        return null;
    }
}
