package dev.loggregator.wire.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Timer;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden protojson: each fixture under {@code golden-json/} was written by hand from Go protojson's
 * rules with {@code EmitUnpopulated} (modern-apis.md §1.3, §3.2: declaration order, snake_case json
 * names, every non-oneof field, int64/uint64 as strings, standard base64, enum names, sorted map
 * keys, Go's float forms and string escapes). Our encoding must equal it byte for byte, and
 * protobuf's own strict parser (unknown fields rejected, as go-loggregator and the cf CLI parse) must
 * read the fixture back into the same envelope.
 */
class EnvelopeJsonTest {
    private static GaugeValue gauge(String unit, double value) {
        return GaugeValue.newBuilder().setUnit(unit).setValue(value).build();
    }

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("log.json", Envelope.newBuilder().setTimestamp(1755684000123456789L)
                        .setSourceId("6b1c3a24-0d2f-4e6a-9a6e-2f1b0c9d8e71").setInstanceId("0")
                        .putTags("source_type", "APP/PROC/WEB").putTags("app_name", "web")
                        .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("hello world"))).build()),
                Arguments.of("log-err-escapes.json", Envelope.newBuilder().setTimestamp(-1).setSourceId("a\"b\\c")
                        .putTags("k\nl", "tab\there\u0001\u007f<&>é")
                        .setLog(Log.newBuilder().setPayload(ByteString.copyFrom(new byte[] {0, (byte) 0xff}))
                                .setType(Log.Type.ERR)).build()),
                Arguments.of("counter.json", Envelope.newBuilder().setTimestamp(1).setSourceId("gorouter").setInstanceId("3")
                        .setCounter(Counter.newBuilder().setName("requests").setDelta(-1L).setTotal(Long.MIN_VALUE)).build()),
                Arguments.of("gauge.json", Envelope.newBuilder().setTimestamp(2).setSourceId("app").setInstanceId("1")
                        .setGauge(Gauge.newBuilder()
                                .putMetrics("memory", gauge("bytes", 100))
                                .putMetrics("cpu", gauge("percentage", 0.42))
                                .putMetrics("disk", gauge("bytes", 1e21))
                                .putMetrics("tiny", gauge("", 1e-7))
                                .putMetrics("zero", gauge("", 0))).build()),
                Arguments.of("gauge-nonfinite.json", Envelope.newBuilder().setTimestamp(3).setSourceId("app")
                        .setGauge(Gauge.newBuilder()
                                .putMetrics("nan", gauge("", Double.NaN))
                                .putMetrics("inf", gauge("", Double.POSITIVE_INFINITY))
                                .putMetrics("neg", gauge("", Double.NEGATIVE_INFINITY))).build()),
                Arguments.of("timer.json", Envelope.newBuilder().setTimestamp(4).setSourceId("app").setInstanceId("0")
                        .putTags("method", "GET")
                        .setTimer(Timer.newBuilder().setName("http").setStart(1000).setStop(2000)).build()),
                Arguments.of("event.json", Envelope.newBuilder().setTimestamp(5).setSourceId("app")
                        .setEvent(Event.newBuilder().setTitle("deployed").setBody("v2 is out")).build()),
                Arguments.of("deprecated-tags.json", Envelope.newBuilder().setTimestamp(6).setSourceId("metron")
                        .putDeprecatedTags("b", Value.newBuilder().setInteger(-7).build())
                        .putDeprecatedTags("a", Value.newBuilder().setText("x").build())
                        .putDeprecatedTags("d", Value.getDefaultInstance())
                        .putDeprecatedTags("c", Value.newBuilder().setDecimal(2.5).build())
                        .setCounter(Counter.newBuilder().setName("c")).build()),
                Arguments.of("no-message.json", Envelope.getDefaultInstance()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void encodesAsGoProtojsonAndParsesBackStrictly(String fixture, Envelope envelope) throws IOException {
        String golden = read(fixture);
        assertEquals(golden, new String(EnvelopeJson.encode(envelope), StandardCharsets.UTF_8));
        Envelope.Builder parsed = Envelope.newBuilder();
        JsonFormat.parser().merge(golden, parsed);
        assertEquals(envelope, parsed.build());
    }

    private static String read(String fixture) throws IOException {
        try (InputStream in = EnvelopeJsonTest.class.getResourceAsStream("/golden-json/" + fixture)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
