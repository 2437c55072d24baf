package dev.loggregator.wire.signature;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Dropsonde UDP datagrams: a 32-byte HMAC-SHA256 of the envelope under the shared secret, then the
 * marshalled envelope (dropsonde {@code signature_verifier.go}).
 */
public final class SignedDatagram {
    public static final int SIGNATURE_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private SignedDatagram() {
    }

    public static byte[] sign(byte[] envelope, byte[] secret) {
        byte[] signature = mac(secret, envelope, 0, envelope.length);
        byte[] datagram = Arrays.copyOf(signature, SIGNATURE_LENGTH + envelope.length);
        System.arraycopy(envelope, 0, datagram, SIGNATURE_LENGTH, envelope.length);
        return datagram;
    }

    /** Returns the envelope bytes of a correctly signed datagram. */
    public static byte[] verify(byte[] datagram, byte[] secret) {
        return verify(datagram, 0, datagram.length, secret);
    }

    public static byte[] verify(byte[] buffer, int offset, int length, byte[] secret) {
        if (length <= SIGNATURE_LENGTH) {
            throw new InvalidSignatureException("datagram of " + length + " bytes is too short to be signed");
        }
        byte[] expected = mac(secret, buffer, offset + SIGNATURE_LENGTH, length - SIGNATURE_LENGTH);
        byte[] actual = Arrays.copyOfRange(buffer, offset, offset + SIGNATURE_LENGTH);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidSignatureException("signature does not match the shared secret");
        }
        return Arrays.copyOfRange(buffer, offset + SIGNATURE_LENGTH, offset + length);
    }

    /** One Mac per thread: the provider lookup of {@code Mac.getInstance} would otherwise run per datagram. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    });

    private static byte[] mac(byte[] secret, byte[] data, int offset, int length) {
        try {
            Mac mac = MACS.get();
            // An empty secret is legal for the Go verifier; SecretKeySpec rejects empty keys, and
            // HMAC pads short keys with zeros, so one zero byte is the same key.
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, ALGORITHM));
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 rejected the key", e);
        }
    }
}
