package dev.loggregator.e2e.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.demo.DemoApps;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.e2e.support.LogsCli;
import dev.loggregator.wire.drains.DrainReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment as {@code bin/loggregator up --demo} runs it, with the demo app {@code demo} (its GUID) bound
 * to a syslog drain on this machine (as deploy/dev.yml binds it): the demo emitter's receiver
 * writes the drained lines to {@code demo-drain.log}, and {@code logs drains} shows the binding,
 * connected, through the Traffic Controller's {@code /drains} (admin token for every app, an app's
 * reader for that app).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyslogDrainsDeploymentTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String DEMO = DemoApps.guid(DemoApps.WEB);
    private static final String WORKER = DemoApps.guid(DemoApps.WORKER);

    private LoopbackDeployment deployment;
    private int drainPort;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        drainPort = FreePorts.next();
        deployment = LoopbackDeployment.in(dir).demo()
                .doppler("syslog_drains: {allow_loopback: true, bindings: [{app_id: " + DEMO + ", hostname: demo-org.dev.demo,"
                        + " url: 'syslog://127.0.0.1:" + drainPort + "'}, {app_id: " + WORKER + ", url: 'ftp://nowhere.example'}]}")
                .start();
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void theDemoAppsDrainDeliversAndLogsDrainsShowsIt() throws Exception {
        Path drainLog = deployment.directory().resolve("run").resolve("demo-drain.log");
        await().atMost(PATIENCE).until(() -> Files.exists(drainLog) && Files.readAllLines(drainLog).size() >= 5);
        for (String line : Files.readAllLines(drainLog)) {
            assertTrue(line.matches("<1[14]>1 \\S+\\+00:00 demo-org\\.dev\\.demo " + DEMO + " \\[\\S+\\] - .*"), line);
        }

        Path config = dir.resolve("cli.json");
        LogsCli.configure(config, "target", deployment.trafficController(0).toString());
        LogsCli.configure(config, "token", deployment.token("operator", "doppler.admin"));
        LogsCli.Result all = LogsCli.run(config, "drains");
        assertEquals(0, all.exitCode(), all.toString());
        String drainUrl = "syslog://127.0.0.1:" + drainPort;
        assertTrue(all.stdout().get(0).startsWith("app"), all.toString());
        String row = all.stdout().stream().filter(line -> line.startsWith(DEMO + " ")).findFirst().orElseThrow();
        assertTrue(row.contains(drainUrl) && row.contains("connected"), row);
        assertTrue(all.stdout().contains("refused bindings:"), all.toString());
        assertTrue(all.stdout().stream().anyMatch(line -> line.startsWith(WORKER)
                && line.endsWith("Invalid Scheme ftp for syslog drain url ftp://nowhere.example")), all.toString());

        LogsCli.Result json = LogsCli.run(config, "drains", DEMO, "--json");
        assertEquals(0, json.exitCode(), json.toString());
        DrainReport.Gathered gathered = DrainReport.Gathered.fromJson(String.join("\n", json.stdout()).getBytes());
        assertEquals(1, gathered.answered());
        DrainReport.Drain drain = gathered.dopplers().get(0).drains().get(0);
        assertEquals(List.of(DEMO, drainUrl, "connected"), List.of(drain.appId(), drain.url(), drain.state()));
        assertTrue(drain.sent() > 0);

        LogsCli.configure(config, "token", deployment.token("someone", "openid"));
        LogsCli.Result refused = LogsCli.run(config, "drains");
        assertEquals(5, refused.exitCode(), "every app's drains are for admins: " + refused);

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http" + deployment.trafficController(0).toString().substring(2) + "/drains")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
    }
}
