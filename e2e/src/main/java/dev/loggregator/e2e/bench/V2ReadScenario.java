package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.util.List;
import java.util.UUID;

/**
 * Scenarios 6 and 7: the v2 read APIs of issue 13, each with one admin reader of every source's logs
 * straight from Traffic Controller 0, fed as in scenario 1; loss-free ceiling, its ratio to scenario
 * 1's v1 firehose ceiling of the same run, and latency at 10,000/s.
 */
final class V2ReadScenario {
    private V2ReadScenario() {
    }

    /** {@code GET /v2/read?log} (RLP gateway Server-Sent Events, protojson), read by {@link SseReader}. */
    static ResultTable sse(BenchContext context, LoopbackDeployment deployment) {
        ResultTable table = new ResultTable("6-v2-read-sse",
                "as 1, read by one GET /v2/read?log stream (admin token; SSE of protojson batches) from the TC");
        String prefix = "sse-" + UUID.randomUUID();
        try (SseReader reader = SseReader.open(deployment.trafficControllerHttp(0), "/v2/read?log", deployment.operator(),
                prefix, LoadGenerator.PAYLOAD.toByteArray())) {
            measure(context, deployment, table, reader, prefix, 0.5, 200_000);
        }
        return table;
    }

    /** {@code loggregator.v2.Egress/BatchedReceiver} on the TC's gRPC port, read by {@link GrpcEgressReader}. */
    static ResultTable grpc(BenchContext context, LoopbackDeployment deployment) {
        ResultTable table = new ResultTable("7-v2-grpc-egress",
                "as 1, read by one loggregator.v2.Egress/BatchedReceiver stream (log selector, own shard id) from the TC");
        String prefix = "grpc-" + UUID.randomUUID();
        try (GrpcEgressReader reader = new GrpcEgressReader("127.0.0.1", deployment.trafficControllerGrpcPort(0), prefix,
                LoadGenerator.PAYLOAD.toByteArray())) {
            measure(context, deployment, table, reader, prefix, 0.9, 0);
        }
        return table;
    }

    private static void measure(BenchContext context, LoopbackDeployment deployment, ResultTable table, BenchReader reader,
                                String prefix, double targetRatio, double targetRate) {
        double ceiling;
        try (LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), List.of(prefix))) {
            ceiling = new CeilingSearch(context, deployment, reader, generator, table).run(true);
        }
        table.notes.add("checked: " + reader.verification());
        table.summary.put("ceiling/s", ceiling);
        Double v1 = context.v1FirehoseCeiling();
        if (v1 == null || v1 == 0) {
            table.notes.add("no v1 firehose ceiling in this run to compare with");
        } else {
            double ratio = ceiling / v1;
            table.summary.put("v1 firehose ceiling/s (scenario 1)", v1);
            table.summary.put("ratio to v1", ratio);
            table.notes.add(String.format("ratio to the v1 firehose ceiling of this run (%,.0f/s): %.2fx (target >= %.1fx: %s)",
                    v1, ratio, targetRatio, ratio >= targetRatio ? "met" : "NOT met"));
        }
        if (targetRate > 0) {
            table.notes.add(String.format("target >= %,.0f/s: %s", targetRate, ceiling >= targetRate ? "met" : "NOT met"));
        }
    }
}
