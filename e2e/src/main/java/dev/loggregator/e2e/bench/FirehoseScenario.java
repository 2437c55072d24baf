package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.UUID;

/**
 * Scenarios 1 and 3, and the Log Cache scenario's ingress ceilings: v2 gRPC ingress (200-byte logs) into
 * Doppler 0, read by one v1 firehose client over WebSocket; the loss-free ceiling and one-way latency.
 */
final class FirehoseScenario {
    /** The table and the loss-free ceiling (envelopes/s) it found. */
    record Result(ResultTable table, double ceiling) {
    }

    private FirehoseScenario() {
    }

    /**
     * @param endpoint the Traffic Controller or gateway ({@code ws://} or {@code wss://})
     * @param apps     how many app ids the envelopes are spread over
     * @param latency  whether to measure latency at 10,000/s after the ceiling
     */
    static Result run(BenchContext context, LoopbackDeployment deployment, String name, String description,
                      HttpClient http, URI endpoint, int apps, boolean latency) {
        ResultTable table = new ResultTable(name, description);
        String prefix = LoadGenerator.newAppPrefix();
        List<String> appIds = LoadGenerator.apps(prefix, apps);
        try (BenchReader reader = new V1FirehoseReader(http, endpoint.resolve("/firehose/bench-" + UUID.randomUUID() + "?filter-type=logs"),
                deployment.operator(), prefix);
             LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), appIds)) {
            double ceiling = new CeilingSearch(context, deployment, reader, generator, table).run(latency);
            return new Result(table, ceiling);
        }
    }
}
