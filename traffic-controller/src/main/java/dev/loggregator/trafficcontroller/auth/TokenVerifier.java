package dev.loggregator.trafficcontroller.auth;

/** Checks a bearer token (without the {@code bearer } prefix). May block: called off the event loop. */
public interface TokenVerifier {
    VerifiedToken verify(String token) throws InvalidTokenException;
}
