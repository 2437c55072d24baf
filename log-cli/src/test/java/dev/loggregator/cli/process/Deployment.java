package dev.loggregator.cli.process;

import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.testsupport.JavaProcess;
import dev.loggregator.wire.framing.LengthPrefix;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * One real Doppler and one real Traffic Controller (child JVMs of the test) from a generated
 * manifest on free loopback ports. The Traffic Controller verifies HS256 tokens minted here and
 * asks a {@link FakeCloudController} about app access; the Doppler takes v2 gRPC (for
 * {@code logs emit}) and v1 TCP (for envelopes the test shapes itself, e.g. out-of-order timestamps).
 */
final class Deployment implements AutoCloseable {
    static final String DOPPLER_MAIN = "dev.loggregator.doppler.DopplerMain";
    static final String TC_MAIN = "dev.loggregator.trafficcontroller.TrafficControllerMain";
    private static final byte[] SECRET = "log-cli-tests-hs256-secret-of-at-least-256-bits".getBytes(StandardCharsets.UTF_8);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final FakeCloudController cloudController;
    private final Path manifest;
    private final int grpcPort = FreePorts.next();
    private final int tcpPort = FreePorts.next();
    private final int wsPort = FreePorts.next();
    private final int dopplerHealthPort = FreePorts.next();
    private final int tcPort = FreePorts.next();
    private final int tcHealthPort = FreePorts.next();
    private JavaProcess doppler;
    private JavaProcess trafficController;

    private final SelfSignedCertificate tls;

    private Deployment(FakeCloudController cloudController, SelfSignedCertificate tls) throws IOException {
        this.cloudController = cloudController;
        this.tls = tls;
        String yaml = """
                name: log-cli-test
                properties:
                  logger_endpoint:
                    port: %d
                doppler:
                  instances:
                    - {host: 127.0.0.1, grpc_port: %d, tcp_port: %d, ws_port: %d, udp_port: 0, tls_port: 0, health_port: %d}
                  metrics_interval_seconds: 1
                traffic_controller:
                  instances:
                    - {host: 127.0.0.1, port: %d, health_port: %d}
                  auth:
                    jwt: {hs256_secret: "%s"}
                    cloud_controller: {url: "%s", cache_seconds: 1}
                    admin_scopes: [doppler.admin]
                """.formatted(tcPort, grpcPort, tcpPort, wsPort, dopplerHealthPort, tcPort, tcHealthPort,
                new String(SECRET, StandardCharsets.UTF_8), cloudController.url())
                + (tls == null ? "" : "  tls: {cert: \"" + tls.cert() + "\", key: \"" + tls.key() + "\"}\n");
        Path dir = Files.createDirectories(Path.of("target", "manifests"));
        manifest = Files.createTempFile(dir, "log-cli-", ".yml");
        Files.writeString(manifest, yaml);
    }

    static Deployment start() throws IOException {
        return start(null);
    }

    /** With {@code tls}, the Traffic Controller serves wss:// and https:// with that certificate. */
    static Deployment start(SelfSignedCertificate tls) throws IOException {
        Assumptions.assumeTrue(onClasspath(DOPPLER_MAIN) && onClasspath(TC_MAIN),
                "the doppler and traffic-controller modules are not both on the test classpath yet");
        Deployment deployment = new Deployment(FakeCloudController.start(), tls);
        try {
            deployment.doppler = JavaProcess.start("doppler", DOPPLER_MAIN, "--manifest", deployment.manifest.toString(), "--index", "0");
            deployment.startTrafficController();
            awaitHealthy(deployment.doppler, deployment.dopplerHealthPort);
        } catch (RuntimeException | Error e) {
            deployment.close();
            throw e;
        }
        return deployment;
    }

    /** The components are built in parallel with the CLI; until both are on main these tests are skipped. */
    private static boolean onClasspath(String mainClass) {
        try {
            Class.forName(mainClass, false, Deployment.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Starts the Traffic Controller (again, after {@link #stopTrafficController()}) on the same port and waits until healthy. */
    void startTrafficController() {
        trafficController = JavaProcess.start("traffic-controller", TC_MAIN, "--manifest", manifest.toString(), "--index", "0");
        awaitHealthy(trafficController, tcHealthPort);
    }

    void stopTrafficController() {
        trafficController.terminate(20);
    }

    private static void awaitHealthy(JavaProcess process, int healthPort) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(process + " exited:\n" + process.output());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    String endpoint() {
        return (tls == null ? "ws" : "wss") + "://127.0.0.1:" + tcPort;
    }

    String doppler() {
        return "127.0.0.1:" + grpcPort;
    }

    FakeCloudController cloudController() {
        return cloudController;
    }

    /** {@code bearer <HS256 JWT>} for user "tester", valid for {@code validity}, with these scopes. */
    static String token(Duration validity, String... scopes) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("user-id")
                .claim("user_name", "tester")
                .claim("scope", List.of(scopes))
                .expirationTime(Date.from(Instant.now().plus(validity)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(SECRET));
            return "bearer " + jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token that may read every app and the firehose. */
    static String adminToken() {
        return token(Duration.ofHours(1), "doppler.admin", "doppler.firehose");
    }

    /** Sends marshalled v1 envelopes into the Doppler's TCP ingress, in this order, on one connection. */
    void emitV1(List<byte[]> envelopes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 5000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            for (byte[] envelope : envelopes) {
                LengthPrefix.write(out, envelope);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logsOfComponents() {
        return "--- doppler ---\n" + doppler.output() + "\n--- traffic controller ---\n"
                + (trafficController == null ? "" : trafficController.output());
    }

    @Override
    public void close() {
        if (trafficController != null) {
            trafficController.close();
        }
        if (doppler != null) {
            doppler.close();
        }
        cloudController.close();
    }
}
