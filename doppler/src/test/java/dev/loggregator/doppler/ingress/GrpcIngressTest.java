package dev.loggregator.doppler.ingress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.RawBytes;
import dev.loggregator.testsupport.DopplerNode;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gRPC ingress as agents call it: v2 Sender, BatchSender, Send, and the v1 Pusher; and malformed messages. */
class GrpcIngressTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DopplerNode doppler;
    private static BatchSubscriber firehose;
    private static GrpcSender grpc;

    @BeforeAll
    static void start() {
        doppler = DopplerNode.builder().name("grpc-ingress").start();
        firehose = BatchSubscriber.connect(doppler.wsUrl("/firehose/grpc-test"));
        grpc = GrpcSender.plaintext(doppler.grpcPort());
    }

    @AfterAll
    static void stop() {
        grpc.close();
        firehose.close();
        doppler.close();
    }

    private static List<String> logTexts(String marker) {
        return firehose.envelopes(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(marker))
                .stream().map(Envelopes::text).toList();
    }

    private static List<LoggregatorEnvelope.Envelope> logs(String app, String marker, int from, int n) {
        List<LoggregatorEnvelope.Envelope> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(Envelopes.v2Log(app, marker + " " + i));
        }
        return out;
    }

    @Test
    void v2SenderStreamsEnvelopesConvertedToV1() {
        String marker = UUID.randomUUID().toString();
        String app = UUID.randomUUID().toString();
        grpc.sender(logs(app, marker, 0, 50));
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 50);
        Envelope first = firehose.envelopes(e -> e.hasLogMessage() && Envelopes.text(e).equals(marker + " 0")).get(0);
        assertEquals(app, first.getLogMessage().getAppId());
        assertEquals("APP/PROC/WEB", first.getLogMessage().getSourceType());
        assertEquals("1", first.getLogMessage().getSourceInstance());
        assertEquals(LogMessage.MessageType.OUT, first.getLogMessage().getMessageType());
        assertEquals(app, first.getTagsMap().get("source_id"));
    }

    @Test
    void v2BatchSenderDeliversEveryEnvelopeOfEveryBatch() {
        String marker = UUID.randomUUID().toString();
        List<List<LoggregatorEnvelope.Envelope>> batches = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            batches.add(logs("app-" + b, marker, b * 100, 100));
        }
        grpc.batchSender(batches);
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 2000);
    }

    @Test
    void v2SendDeliversOneBatchIncludingCountersAndDropsEvents() {
        String marker = UUID.randomUUID().toString();
        double noV1FormBefore = doppler.metric("doppler_dropped_envelopes_total{reason=\"no_v1_form\"}");
        List<LoggregatorEnvelope.Envelope> batch = new ArrayList<>(logs("app", marker, 0, 3));
        batch.add(Envelopes.v2Counter("component", marker + "-requests", 7));
        batch.add(LoggregatorEnvelope.Envelope.newBuilder().setSourceId("x")
                .setEvent(LoggregatorEnvelope.Event.newBuilder().setTitle("t").setBody("b")).build());
        grpc.send(batch);
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 3
                && firehose.count(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals(marker + "-requests")) == 1);
        Envelope counter = firehose.envelopes(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals(marker + "-requests")).get(0);
        assertEquals(7, counter.getCounterEvent().getDelta());
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"no_v1_form\"}") == noV1FormBefore + 1);
    }

    @Test
    void v1PusherPassesEnvelopeBytesThroughUnchanged() {
        String marker = UUID.randomUUID().toString();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(Envelopes.v1Log("app", marker + " " + i).toByteArray());
        }
        grpc.pusher(sent);
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 10);
        Envelope first = firehose.envelopes(e -> e.hasLogMessage() && Envelopes.text(e).equals(marker + " 0")).get(0);
        assertArrayEquals(sent.get(0), first.toByteArray());
    }

    @Test
    void malformedPusherPayloadsAreCountedAndTheRestOfTheStreamGoesThrough() {
        String marker = UUID.randomUUID().toString();
        double before = doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}");
        byte[] missingRequired = Envelopes.v1LogMissingRequiredFields();
        grpc.pusher(List.of(
                Envelopes.v1Log("app", marker + " before").toByteArray(),
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                missingRequired,
                Envelopes.v1Log("app", marker + " after").toByteArray()));
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 2);
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}") == before + 2);
    }

    @Test
    void anEnvelopeLargerThanTheMaximumIsDroppedAndCountedAndTheRestOfTheBatchArrives() {
        String marker = UUID.randomUUID().toString();
        double before = doppler.metric("doppler_dropped_envelopes_total{reason=\"oversize\"}");
        List<LoggregatorEnvelope.Envelope> batch = new ArrayList<>(logs("app", marker, 0, 2));
        batch.add(1, Envelopes.v2Log("app", marker + " huge " + "z".repeat(70 * 1024))); // max_envelope_bytes is 64 KiB
        grpc.send(batch);
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 2);
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"oversize\"}") == before + 1);
    }

    @Test
    void aMessageThatIsNotProtobufFailsItsCallIsCountedAndOtherCallsWork() {
        double before = doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}");
        MethodDescriptor<byte[], byte[]> rawSend = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("loggregator.v2.Ingress/Send")
                .setRequestMarshaller(new RawBytes())
                .setResponseMarshaller(new RawBytes())
                .build();
        // Field 1 (batch) claims 16 bytes; one follows.
        byte[] truncated = {0x0A, 0x10, 0x01};
        assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(grpc.channel(), rawSend, CallOptions.DEFAULT, truncated));
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}") == before + 1);

        String marker = UUID.randomUUID().toString();
        grpc.send(logs("app", marker, 0, 1));
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 1);
    }
}
