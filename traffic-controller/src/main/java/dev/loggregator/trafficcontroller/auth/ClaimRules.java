package dev.loggregator.trafficcontroller.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * What a locally verified token must claim besides a good signature: an {@code exp} not yet passed
 * (no leeway: a stream is cut when it passes), a subject, {@code iat} and {@code nbf} (when given)
 * no further in the future than {@code clockSkew} (a token minted "tomorrow" is a forgery or a
 * broken issuer), and, when configured, {@code iss} equal to {@code issuer} and {@code audience}
 * among {@code aud} (so a token another issuer or service signed with a shared key is refused).
 */
public record ClaimRules(String issuer, String audience, Duration clockSkew, Clock clock)
        implements JWTClaimsSetVerifier<SecurityContext> {

    public static ClaimRules of(String issuer, String audience, Duration clockSkew) {
        return new ClaimRules(issuer, audience, clockSkew, Clock.systemUTC());
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        Instant now = clock.instant();
        Instant latestIssue = now.plus(clockSkew);
        Date exp = date(claims, "exp");
        if (exp == null) {
            throw new BadJWTException("JWT missing required claims: [exp]");
        }
        if (!exp.toInstant().isAfter(now)) {
            throw new BadJWTException("Expired JWT");
        }
        Date iat = date(claims, "iat");
        if (iat != null && iat.toInstant().isAfter(latestIssue)) {
            throw new BadJWTException("JWT issued in the future (iat " + iat.toInstant() + ")");
        }
        Date nbf = date(claims, "nbf");
        if (nbf != null && nbf.toInstant().isAfter(latestIssue)) {
            throw new BadJWTException("JWT not valid yet (nbf " + nbf.toInstant() + ")");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw new BadJWTException("JWT missing required claims: [sub]");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new BadJWTException("JWT issuer " + claims.getIssuer() + " is not " + issuer);
        }
        if (audience != null) {
            List<String> audiences = claims.getAudience();
            if (audiences == null || !audiences.contains(audience)) {
                throw new BadJWTException("JWT audience " + audiences + " does not include " + audience);
            }
        }
    }

    /** A date claim, null when absent; one that is not a NumericDate is refused rather than ignored. */
    private static Date date(JWTClaimsSet claims, String name) throws BadJWTException {
        Object value = claims.getClaim(name);
        if (value == null || value instanceof Date) {
            return (Date) value;
        }
        throw new BadJWTException("JWT claim " + name + " is not a NumericDate");
    }
}
