package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.FrameTooLargeException;
import dev.loggregator.wire.framing.LengthPrefix;
import dev.loggregator.wire.framing.MalformedBatchException;
import dev.loggregator.wire.routing.AppOutput;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.EnvelopeRouting.Routing;
import dev.loggregator.wire.signature.InvalidSignatureException;
import dev.loggregator.wire.signature.SignedDatagram;
import dev.loggregator.wire.uuid.V1Uuids;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated inputs into every decoder: each input is either accepted consistently
 * with protobuf-java (or with re-encoding) or rejected with the decoder's documented exception;
 * anything else (another exception, a hang, an OutOfMemoryError) fails the test. The seed is fixed
 * so a failure reproduces; the failing input is printed in hex.
 */
class FuzzTest {
    /** Override with -Dfuzz.seed=N and -Dfuzz.rounds=N for a longer search (the budget grows with the rounds). */
    private static final long SEED = Long.getLong("fuzz.seed", 0x5EED_2026L);
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 4000);
    private static final Duration BUDGET = Duration.ofSeconds(60L * Math.max(1, ROUNDS / 4000));
    private static final int MAX_ENVELOPE = 64 * 1024;
    private static final byte[] SECRET = "shared-secret".getBytes(StandardCharsets.UTF_8);

    /** Realistic envelopes of every type, the seeds of the mutations. */
    static List<byte[]> seeds() {
        String app = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
        List<Envelope> envelopes = List.of(
                Envelope.newBuilder().setOrigin("rep").setEventType(EventType.LogMessage).setTimestamp(1_700_000_000_000_000_000L)
                        .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("GET /health 200"))
                                .setMessageType(LogMessage.MessageType.OUT).setTimestamp(1_700_000_000_000_000_000L)
                                .setAppId(app).setSourceType("APP/PROC/WEB").setSourceInstance("0"))
                        .setDeployment("cf").setJob("diego-cell").setIndex("0").setIp("10.0.0.1")
                        .putTags("source_id", app).build(),
                Envelope.newBuilder().setOrigin("DopplerServer").setEventType(EventType.ValueMetric)
                        .setValueMetric(MetricFactory.ValueMetric.newBuilder().setName("cpu").setValue(1.5).setUnit("%")).build(),
                Envelope.newBuilder().setOrigin("o").setEventType(EventType.CounterEvent)
                        .setCounterEvent(MetricFactory.CounterEvent.newBuilder().setName("requests").setDelta(5).setTotal(300)).build(),
                Envelope.newBuilder().setOrigin("rep").setEventType(EventType.ContainerMetric)
                        .setContainerMetric(MetricFactory.ContainerMetric.newBuilder().setApplicationId(app).setInstanceIndex(-1)
                                .setCpuPercentage(0.5).setMemoryBytes(1024).setDiskBytes(2048)).build(),
                Envelope.newBuilder().setOrigin("o").setEventType(EventType.Error)
                        .setError(ErrorFactory.Error.newBuilder().setSource("api").setCode(404).setMessage("nope")).build(),
                Envelope.newBuilder().setOrigin("gorouter").setEventType(EventType.HttpStartStop)
                        .setHttpStartStop(GoldenBytesTest.httpStartStop().setApplicationId(V1Uuids.toV1(app))
                                .setInstanceIndex(-1).setInstanceId("abc").addForwarded("1.1.1.1")).build());
        List<byte[]> seeds = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            seeds.add(envelope.toByteArray());
        }
        return seeds;
    }

    /** One random input: pure noise, or a seed (or two spliced) with a few random edits. */
    static byte[] input(Random random, List<byte[]> seeds) {
        if (random.nextInt(8) == 0) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] data = seeds.get(random.nextInt(seeds.size())).clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            data = mutate(random, data, seeds);
        }
        return data;
    }

    private static byte[] mutate(Random random, byte[] data, List<byte[]> seeds) {
        int at = data.length == 0 ? 0 : random.nextInt(data.length);
        switch (random.nextInt(9)) {
            case 0 -> { // flip a bit
                if (data.length > 0) {
                    data[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // overwrite a byte with an interesting value
                if (data.length > 0) {
                    int[] values = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x10, 0x42, 0x8A};
                    data[at] = (byte) values[random.nextInt(values.length)];
                }
            }
            case 2 -> data = Arrays.copyOf(data, random.nextInt(data.length + 1)); // truncate
            case 3 -> { // delete a run
                int length = Math.min(data.length - at, 1 + random.nextInt(8));
                byte[] shorter = new byte[data.length - length];
                System.arraycopy(data, 0, shorter, 0, at);
                System.arraycopy(data, at + length, shorter, at, data.length - at - length);
                data = shorter;
            }
            case 4 -> { // insert random bytes
                byte[] inserted = new byte[1 + random.nextInt(6)];
                random.nextBytes(inserted);
                data = splice(data, at, inserted);
            }
            case 5 -> { // append a slice of another seed (duplicate or foreign fields)
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int from = random.nextInt(other.length);
                data = splice(data, data.length, Arrays.copyOfRange(other, from, from + random.nextInt(other.length - from + 1)));
            }
            case 6 -> { // a field with a huge or negative length
                byte[] field = {(byte) (random.nextBoolean() ? 0x42 : 0x8A), (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                    (byte) (random.nextBoolean() ? 0x07 : 0x0F)};
                data = splice(data, at, field);
            }
            case 7 -> { // an overlong varint (11 continuation bytes)
                byte[] varint = new byte[11];
                Arrays.fill(varint, (byte) 0x80);
                data = splice(data, at, varint);
            }
            default -> { // rewrite a byte that is probably a tag to another wire type
                if (data.length > 0) {
                    data[at] = (byte) ((data[at] & 0xF8) | random.nextInt(8));
                }
            }
        }
        return data;
    }

    private static byte[] splice(byte[] data, int at, byte[] inserted) {
        byte[] longer = new byte[data.length + inserted.length];
        System.arraycopy(data, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(data, at, longer, at + inserted.length, data.length - at);
        return longer;
    }

    /** The routing protobuf-java's parse implies (spec §1.6), or null when it does not parse with its payload. */
    static Routing expectedRouting(byte[] bytes) {
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
        String app = EnvelopeRouting.SYSTEM;
        switch (envelope.getEventType()) {
            case LogMessage -> {
                if (!envelope.hasLogMessage()) {
                    return null;
                }
                app = envelope.getLogMessage().getAppId();
            }
            case ContainerMetric -> {
                if (!envelope.hasContainerMetric()) {
                    return null;
                }
                app = envelope.getContainerMetric().getApplicationId();
            }
            case HttpStartStop -> {
                if (!envelope.hasHttpStartStop()) {
                    return null;
                }
                if (envelope.getHttpStartStop().hasApplicationId()) {
                    app = V1Uuids.format(envelope.getHttpStartStop().getApplicationId());
                }
            }
            case ValueMetric -> {
                if (!envelope.hasValueMetric()) {
                    return null;
                }
            }
            case CounterEvent -> {
                if (!envelope.hasCounterEvent()) {
                    return null;
                }
            }
            case Error -> {
                if (!envelope.hasError()) {
                    return null;
                }
            }
        }
        String appId = app.isEmpty() ? EnvelopeRouting.SYSTEM : app;
        if (envelope.getEventType() == EventType.LogMessage
                && AppOutput.isAppSourceType(envelope.getLogMessage().getSourceType())) {
            byte[] instance = envelope.getLogMessage().getSourceInstanceBytes().toByteArray();
            return new Routing(appId, envelope.getEventType(), envelope.getLogMessage().getMessage().size(),
                    AppOutput.instanceKey(instance, 0, instance.length));
        }
        return new Routing(appId, envelope.getEventType());
    }

    static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }

    @Test
    void envelopeRoutingAgreesWithProtobufJavaOrRejects() {
        assertTimeoutPreemptively(BUDGET, () -> {
            Random random = new Random(SEED);
            List<byte[]> seeds = seeds();
            List<String> problems = new ArrayList<>();
            int accepted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                byte[] input = input(random, seeds);
                Routing expected = expectedRouting(input);
                Routing actual;
                try {
                    actual = EnvelopeRouting.read(input);
                } catch (MalformedEnvelopeException e) {
                    actual = null;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("round " + round + ": " + e + " for " + hex(input), e);
                }
                if (actual != null) {
                    accepted++;
                    if (!actual.equals(expected)) {
                        problems.add("round " + round + ": accepted as " + actual + ", protobuf-java: " + expected + ": " + hex(input));
                    }
                } else if (expected != null) {
                    problems.add("round " + round + ": rejected, protobuf-java parses it as " + expected + ": " + hex(input));
                }
            }
            assertTrue(problems.isEmpty(), problems.size() + " disagreements, first: " + problems.subList(0, Math.min(8, problems.size())));
            // the mix must exercise both outcomes, or the test proves little
            assertTrue(accepted > ROUNDS / 20 && accepted < ROUNDS - ROUNDS / 20, "accepted " + accepted + " of " + ROUNDS);
        });
    }

    @Test
    void envelopeBatchDecodeRoundTripsOrRejects() {
        assertTimeoutPreemptively(BUDGET, () -> {
            Random random = new Random(SEED + 1);
            List<byte[]> seeds = seeds();
            int accepted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<byte[]> envelopes = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    envelopes.add(seeds.get(random.nextInt(seeds.size())));
                }
                byte[] batch = EnvelopeBatch.encode(envelopes);
                byte[] input = random.nextInt(4) == 0 ? batch : mutate(random, batch, seeds);
                int max = random.nextBoolean() ? MAX_ENVELOPE : 64;
                try {
                    List<byte[]> decoded = EnvelopeBatch.decode(input, max);
                    accepted++;
                    assertArrayEquals(input, EnvelopeBatch.encode(decoded), "round " + round + ": " + hex(input));
                    assertTrue(decoded.stream().allMatch(e -> e.length <= max));
                } catch (MalformedBatchException e) {
                    // rejected as documented
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("round " + round + ": " + e + " for " + hex(input), e);
                }
            }
            assertTrue(accepted > ROUNDS / 20 && accepted < ROUNDS - ROUNDS / 20, "accepted " + accepted + " of " + ROUNDS);
        });
    }

    @Test
    void lengthPrefixReadFramesOrRejects() {
        assertTimeoutPreemptively(BUDGET, () -> {
            Random random = new Random(SEED + 2);
            List<byte[]> seeds = seeds();
            int accepted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                for (int i = random.nextInt(4); i > 0; i--) {
                    LengthPrefix.write(stream, seeds.get(random.nextInt(seeds.size())));
                }
                byte[] input = random.nextInt(4) == 0 ? stream.toByteArray() : mutate(random, stream.toByteArray(), seeds);
                int max = random.nextBoolean() ? MAX_ENVELOPE : 64;
                ByteArrayInputStream in = new ByteArrayInputStream(input);
                ByteArrayOutputStream reframed = new ByteArrayOutputStream();
                try {
                    byte[] frame;
                    while ((frame = LengthPrefix.read(in, max)) != null) {
                        assertTrue(frame.length <= max);
                        LengthPrefix.write(reframed, frame);
                    }
                    accepted++;
                    assertArrayEquals(input, reframed.toByteArray(), "round " + round + ": " + hex(input));
                } catch (FrameTooLargeException | EOFException e) {
                    // rejected as documented; what was read before is an exact prefix of the input
                    byte[] consumed = reframed.toByteArray();
                    assertArrayEquals(Arrays.copyOf(input, consumed.length), consumed, "round " + round);
                } catch (IOException | RuntimeException | Error e) {
                    throw new AssertionError("round " + round + ": " + e + " for " + hex(input), e);
                }
            }
            assertTrue(accepted > ROUNDS / 20 && accepted < ROUNDS - ROUNDS / 20, "accepted " + accepted + " of " + ROUNDS);
        });
    }

    @Test
    void signedDatagramVerifyOnlyAcceptsTheUntouchedDatagram() {
        assertTimeoutPreemptively(BUDGET, () -> {
            Random random = new Random(SEED + 3);
            List<byte[]> seeds = seeds();
            for (int round = 0; round < ROUNDS; round++) {
                byte[] envelope = seeds.get(random.nextInt(seeds.size()));
                byte[] datagram = SignedDatagram.sign(envelope, SECRET);
                byte[] input = random.nextInt(4) == 0 ? datagram : mutate(random, datagram.clone(), seeds);
                try {
                    byte[] verified = SignedDatagram.verify(input, SECRET);
                    assertArrayEquals(datagram, input, "round " + round + ": a changed datagram verified: " + hex(input));
                    assertArrayEquals(envelope, verified);
                } catch (InvalidSignatureException e) {
                    assertTrue(!Arrays.equals(datagram, input), "round " + round + ": the signed datagram was rejected");
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("round " + round + ": " + e + " for " + hex(input), e);
                }
            }
        });
    }

    @Test
    void v2ToV1ConversionAlwaysYieldsEnvelopesThatRoute() {
        assertTimeoutPreemptively(BUDGET, () -> {
            Random random = new Random(SEED + 4);
            String[] keys = {"origin", "deployment", "job", "index", "ip", "source_type", "__v1_type", "source", "code",
                "request_id", "peer_type", "method", "uri", "status_code", "content_length", "forwarded",
                "routing_instance_id", "source_id", "instance_id", "other"};
            String[] values = {"", "Error", "0", "-1", "99999999999", "x", "Server", "GET", "a\nb\n",
                "f47ac10b-58cc-4372-a567-0e02b2c3d479", "\u00e9\u4e2d\ud83d\ude00"};
            String[] gauges = {"cpu", "memory", "disk", "memory_quota", "disk_quota", "instance_index", "other"};
            int converted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                LoggregatorEnvelope.Envelope.Builder v2 = LoggregatorEnvelope.Envelope.newBuilder()
                        .setTimestamp(random.nextLong())
                        .setSourceId(values[random.nextInt(values.length)])
                        .setInstanceId(values[random.nextInt(values.length)]);
                for (int i = random.nextInt(6); i > 0; i--) {
                    String key = keys[random.nextInt(keys.length)];
                    switch (random.nextInt(4)) {
                        case 0 -> v2.putDeprecatedTags(key, LoggregatorEnvelope.Value.newBuilder().setInteger(random.nextLong()).build());
                        case 1 -> v2.putDeprecatedTags(key, LoggregatorEnvelope.Value.newBuilder().setDecimal(random.nextGaussian()).build());
                        default -> v2.putTags(key, values[random.nextInt(values.length)]);
                    }
                }
                switch (random.nextInt(5)) {
                    case 0 -> v2.setLog(LoggregatorEnvelope.Log.newBuilder().setTypeValue(random.nextInt(3))
                            .setPayload(ByteString.copyFrom(new byte[random.nextInt(20)])));
                    case 1 -> v2.setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("c").setDelta(random.nextLong()).setTotal(random.nextLong()));
                    case 2 -> {
                        LoggregatorEnvelope.Gauge.Builder gauge = v2.getGaugeBuilder();
                        for (int i = random.nextInt(8); i > 0; i--) {
                            gauge.putMetrics(gauges[random.nextInt(gauges.length)], LoggregatorEnvelope.GaugeValue.newBuilder()
                                    .setUnit(random.nextBoolean() ? "" : "bytes").setValue(random.nextInt(3) == 0 ? 0 : random.nextDouble() * 1e9).build());
                        }
                    }
                    case 3 -> v2.setTimer(LoggregatorEnvelope.Timer.newBuilder().setName("t").setStart(random.nextLong()).setStop(random.nextLong()));
                    default -> v2.setEvent(LoggregatorEnvelope.Event.newBuilder().setTitle("t"));
                }
                LoggregatorEnvelope.Envelope input = v2.build();
                try {
                    for (Envelope envelope : V2ToV1Converter.convert(input)) {
                        converted++;
                        assertTrue(envelope.isInitialized(), "round " + round);
                        byte[] bytes = envelope.toByteArray();
                        assertEquals(expectedRouting(bytes), EnvelopeRouting.read(bytes), "round " + round + ": " + input);
                    }
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("round " + round + ": " + e + " converting " + input, e);
                }
            }
            assertTrue(converted > ROUNDS / 2, "converted " + converted);
        });
    }
}
