package dev.loggregator.e2e.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's fast v2 readers against a real Doppler and Traffic Controller: they count exactly what
 * was sent, and every envelope passes their checks (so the JSON and protobuf the system writes is what
 * the readers' byte comparison expects).
 */
class BenchReadersTest {
    @Test
    void theSseAndGrpcReadersCountExactlyWhatWasSent(@TempDir Path dir) {
        try (LoopbackDeployment deployment = LoopbackDeployment.in(dir).dopplers(1).trafficControllers(1)
                .trafficControllerGrpc().start()) {
            String prefix = LoadGenerator.newAppPrefix();
            byte[] payload = LoadGenerator.PAYLOAD.toByteArray();
            try (SseReader sse = SseReader.open(deployment.trafficControllerHttp(0), "/v2/read?log", deployment.operator(),
                    prefix, payload);
                 GrpcEgressReader grpc = new GrpcEgressReader("127.0.0.1", deployment.trafficControllerGrpcPort(0), prefix, payload);
                 LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0)), LoadGenerator.apps(prefix, 20))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    generator.run(1000, 0.01, 1);
                    return sse.counter().delivered() > 0 && grpc.counter().delivered() > 0;
                });
                // Both subscribed: let the probes in flight arrive before taking the baseline.
                long[] last = {-1};
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30)).until(() -> {
                    long now = sse.counter().delivered() * 1_000_003 + grpc.counter().delivered();
                    boolean settled = now == last[0];
                    last[0] = now;
                    return settled;
                });
                long sseBefore = sse.counter().delivered();
                long grpcBefore = grpc.counter().delivered();
                long sent = generator.run(20_000, 1, 100) + generator.run(2_000, 0.5, 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> sse.counter().delivered() - sseBefore >= sent
                        && grpc.counter().delivered() - grpcBefore >= sent);
                assertEquals(sent, sse.counter().delivered() - sseBefore);
                assertEquals(sent, grpc.counter().delivered() - grpcBefore);
                assertEquals(0, sse.invalid(), sse.verification());
                assertEquals(0, grpc.invalid(), grpc.verification());
                assertEquals(0, sse.counter().dropNotices() + grpc.counter().dropNotices());
            }
        }
    }
}
