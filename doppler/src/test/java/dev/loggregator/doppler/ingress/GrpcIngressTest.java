package dev.loggregator.doppler.ingress;

import static dev.loggregator.doppler.support.Sockets.closedByServer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.RawBytes;
import dev.loggregator.testsupport.DopplerNode;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gRPC ingress as agents call it: v2 Sender, BatchSender, Send, and the v1 Pusher; and what
 * bad clients do to it: malformed and oversized messages, unknown methods, bytes that are not gRPC.
 */
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
    void v2SendDeliversOneBatchIncludingCountersAndEventsStayOffV1Links() {
        String marker = UUID.randomUUID().toString();
        double droppedBefore = doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}");
        List<LoggregatorEnvelope.Envelope> batch = new ArrayList<>(logs("app", marker, 0, 3));
        batch.add(Envelopes.v2Counter("component", marker + "-requests", 7));
        batch.add(LoggregatorEnvelope.Envelope.newBuilder().setSourceId("x")
                .setEvent(LoggregatorEnvelope.Event.newBuilder().setTitle("t").setBody("b")).build());
        grpc.send(batch);
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 3
                && firehose.count(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals(marker + "-requests")) == 1);
        Envelope counter = firehose.envelopes(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals(marker + "-requests")).get(0);
        assertEquals(7, counter.getCounterEvent().getDelta());
        // The event has no v1 form: it is not a drop (v2 links carry it, V2LinkTest), and v1 links never see it.
        assertEquals(droppedBefore, doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}"));
        assertEquals(0, firehose.count(e -> e.hasLogMessage() && Envelopes.text(e).equals("b")));
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
    void aMessageThatIsNotProtobufFailsItsCallWithInternalIsCountedAndOtherCallsWork() {
        double before = doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}");
        String internal = grpcErrors("INTERNAL", "loggregator.v2.Ingress/Send");
        double internalBefore = doppler.metric(internal);
        // Field 1 (batch) claims 16 bytes; one follows.
        byte[] truncated = {0x0A, 0x10, 0x01};
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> rawUnaryCall(grpc, "loggregator.v2.Ingress/Send", truncated));
        assertEquals(Status.Code.INTERNAL, refused.getStatus().getCode(), refused.toString());
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}") == before + 1);
        await().atMost(WAIT).until(() -> doppler.metric(internal) == internalBefore + 1);

        String marker = UUID.randomUUID().toString();
        grpc.send(logs("app", marker, 0, 1));
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 1);
    }

    @Test
    void aFloodOfMalformedMessagesWritesAtMostALineOrTwoToTheLog() {
        // Issue 15, finding 5: gRPC's own logger wrote a SEVERE entry with a stack trace per message.
        double before = doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}");
        int logLinesBefore = doppler.process().output().split("\n").length;
        for (int i = 0; i < 50; i++) {
            assertThrows(StatusRuntimeException.class, () -> rawUnaryCall(grpc, "loggregator.v2.Ingress/Send", new byte[] {0x0A, 0x10, 0x01}));
        }
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"malformed\"}") == before + 50);
        String[] lines = doppler.process().output().split("\n");
        List<String> added = List.of(lines).subList(Math.min(logLinesBefore, lines.length), lines.length);
        assertTrue(added.size() <= 3, "at most one line per kind every 10 s, got:\n" + String.join("\n", added));
    }

    @Test
    void aMessageAboveTheInboundLimitIsCountedAsResourceExhaustedAndOtherClientsCarryOn() {
        String sample = grpcErrors("RESOURCE_EXHAUSTED", "loggregator.v2.Ingress/Send");
        double before = doppler.metric(sample);
        // gRPC takes messages up to 128 x max_envelope_bytes (64 KiB here): 8 MiB. It fails the
        // call itself, before any service code runs.
        byte[] oversized = new byte[8 * 1024 * 1024 + 1];
        try (GrpcSender offender = GrpcSender.plaintext(doppler.grpcPort())) {
            assertThrows(StatusRuntimeException.class, () -> rawUnaryCall(offender, "loggregator.v2.Ingress/Send", oversized));
        }
        await().atMost(WAIT).until(() -> doppler.metric(sample) == before + 1);

        String marker = UUID.randomUUID().toString();
        grpc.batchSender(List.of(logs("app", marker, 0, 10)));
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 10);
        // The same count reaches the firehose as a self-metric.
        await().atMost(WAIT).until(() -> firehose.count(e -> e.getOrigin().equals("DopplerServer") && e.hasCounterEvent()
                && e.getCounterEvent().getName().equals("ingress_grpc_errors")
                && "RESOURCE_EXHAUSTED".equals(e.getTagsMap().get("code"))
                && "loggregator.v2.Ingress/Send".equals(e.getTagsMap().get("method"))
                && e.getCounterEvent().getTotal() == before + 1) > 0);
    }

    @Test
    void callsToMethodsThatAreNotServedAreCountedUnderOneLabel() {
        String sample = grpcErrors("UNIMPLEMENTED", "unknown");
        double before = doppler.metric(sample);
        for (String method : List.of("loggregator.v2.Ingress/NoSuchMethod", "no.such.Service/" + UUID.randomUUID())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rawUnaryCall(grpc, method, new byte[0]));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        }
        await().atMost(WAIT).until(() -> doppler.metric(sample) == before + 2);
        assertFalse(doppler.metricsText().contains("NoSuchMethod"));
    }

    @Test
    void bytesThatAreNotHttp2OnTheGrpcPortAreCountedAsAFailedHandshake() throws Exception {
        String sample = "doppler_refused_connections_total{reason=\"grpc_handshake\"}";
        double before = doppler.metric(sample);
        try (Socket socket = new Socket("127.0.0.1", doppler.grpcPort())) {
            socket.getOutputStream().write("this is not HTTP/2, only bytes\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(closedByServer(socket));
        }
        await().atMost(WAIT).until(() -> doppler.metric(sample) == before + 1);

        String marker = UUID.randomUUID().toString();
        grpc.send(logs("app", marker, 0, 1));
        await().atMost(WAIT).until(() -> logTexts(marker).size() == 1);
    }

    @Test
    void aConnectionSendingAnOversizedHttp2FrameIsClosedAndCounted() throws Exception {
        // Issue 15, finding 10: these closes were counted nowhere.
        String sample = "doppler_refused_connections_total{reason=\"http2_error\"}";
        double before = doppler.metric(sample);
        try (Socket socket = new Socket("127.0.0.1", doppler.grpcPort())) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 0x4, 0, 0, 0, 0, 0}); // empty SETTINGS
            // A DATA frame header announcing 65,536 bytes: above the default 16,384 frame size.
            out.write(new byte[] {0x01, 0x00, 0x00, 0x0, 0x0, 0, 0, 0, 1});
            out.write(new byte[1024]);
            out.flush();
            assertTrue(closedByServer(socket));
        }
        await().atMost(WAIT).until(() -> doppler.metric(sample) == before + 1);
    }

    private static String grpcErrors(String code, String method) {
        return "doppler_ingress_grpc_errors_total{code=\"" + code + "\",method=\"" + method + "\"}";
    }

    /** One unary call to any method name with any bytes as the request. */
    private static byte[] rawUnaryCall(GrpcSender sender, String fullMethodName, byte[] request) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(new RawBytes())
                .setResponseMarshaller(new RawBytes())
                .build();
        return ClientCalls.blockingUnaryCall(sender.channel(), method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
    }
}
