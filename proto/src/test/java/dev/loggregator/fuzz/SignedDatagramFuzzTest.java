package dev.loggregator.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loggregator.wire.signature.InvalidSignatureException;
import dev.loggregator.wire.signature.SignedDatagram;

/**
 * Signed UDP datagrams: a datagram is accepted only if it is exactly what signing its envelope
 * with the secret gives (no other input passes), and anything else is refused with
 * {@link InvalidSignatureException}.
 */
class SignedDatagramFuzzTest {
    private static final byte[] SECRET = "fuzzing-shared-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @FuzzTest(maxDuration = "5s")
    void onlyCorrectlySignedDatagramsAreAccepted(FuzzedDataProvider data) {
        boolean signItFirst = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        byte[] datagram = signItFirst ? SignedDatagram.sign(bytes, SECRET) : bytes;
        byte[] envelope;
        try {
            envelope = SignedDatagram.verify(datagram, SECRET);
        } catch (InvalidSignatureException refused) {
            return;
        }
        assertArrayEquals(datagram, SignedDatagram.sign(envelope, SECRET), "accepted only what signing gives");
    }
}
