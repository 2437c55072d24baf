package dev.loggregator.e2e.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.e2e.support.FakeCloudController;
import dev.loggregator.e2e.support.FakeUaa;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web viewer in a real headless Chromium, through the gateway over https, against the whole
 * system started as processes with the demo apps: signing in (token, UAA), picking an app, live
 * lines, filters, pause, history, charts, an expiring token, access refused. A fake UAA and Cloud
 * Controller are the only fakes (systems we do not ship).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebViewerTest {
    static final int BUFFER_LINES = 5000;
    static final int PAUSE_BUFFER_LINES = 200;
    /** Expected failed loads: Log Cache's info (absent until it is deployed) and refused streams. */
    static final List<String> EXPECTED_FAILURES = List.of("/api/v1/info", "/v2/read");

    private FakeCloudController cloudController;
    private FakeUaa uaa;
    private LoopbackDeployment deployment;
    private String base;
    private Browser browser;
    private ViewerPage page;
    private final AtomicInteger warmups = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        String reason = Browser.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "no browser for the web viewer tests: " + reason);
        cloudController = new FakeCloudController();
        uaa = new FakeUaa();
        deployment = LoopbackDeployment.in(dir).dopplers(1).trafficControllers(1).gatewayWithTls().demo()
                .cloudController(cloudController.url())
                .trafficController("ui: {buffer_lines: " + BUFFER_LINES + ", pause_buffer_lines: " + PAUSE_BUFFER_LINES
                        + ", login: {uaa_url: '" + uaa.url() + "'}}")
                .start();
        cloudController.trustTokensSignedFor(deployment.tokenKey());
        uaa.mintWith((user, scopes) -> deployment.token(user, scopes.toArray(String[]::new)));
        base = deployment.endpoint().toString().replaceFirst("^wss:", "https:");
    }

    @BeforeEach
    void openBrowser() throws Exception {
        browser = Browser.start(deployment.certificate(), 1440, 900);
        page = new ViewerPage(browser, base);
    }

    @AfterEach
    void closeBrowser(TestInfo test) {
        if (browser != null) {
            try {
                List<String> errors = browser.consoleErrors(EXPECTED_FAILURES);
                assertEquals(List.of(), errors, "console errors in " + test.getDisplayName());
            } finally {
                browser.close();
            }
        }
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
        if (cloudController != null) {
            cloudController.close();
        }
        if (uaa != null) {
            uaa.close();
        }
    }

    private String operatorToken() {
        return deployment.token("operator", "doppler.firehose", "doppler.admin");
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private void send(String app, String instance, boolean err, String text) {
        V2IngressClient ingress = deployment.ingress(0);
        ingress.send(V2Envelopes.log(app, instance, "APP/PROC/WEB", err ? Log.Type.ERR : Log.Type.OUT, text, now()));
        ingress.flush();
    }

    /** Sends a warm-up line to the app until the page shows one: from then on its stream is subscribed. */
    private void awaitFlowing(String app) {
        await().atMost(ViewerPage.PATIENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            send(app, "0", false, "warm-up " + warmups.incrementAndGet());
            return page.messages().stream().anyMatch(m -> m.startsWith("warm-up"));
        });
    }

    @Test
    @Order(1)
    void signInPickTheDemoAppSeeLinesArriveAndChartsUpdate() throws Exception {
        page.open("/");
        page.awaitVisible("#token");
        assertTrue(page.driver().getCurrentUrl().startsWith(base + "/ui/"), "/ redirects to the viewer: " + page.driver().getCurrentUrl());
        browser.screenshot("sign-in");
        page.signInWithToken("bearer " + operatorToken());
        // The picker lists the demo apps seen on the firehose.
        page.awaitVisible("#app-list a[data-app='demo']");
        page.find("#app-list a[data-app='demo']").click();
        await().atMost(ViewerPage.PATIENCE).until(() -> page.driver().getCurrentUrl().endsWith("#/apps/demo"));
        await().atMost(ViewerPage.PATIENCE).until(() -> page.status("received") > 0);
        assertEquals("connected", page.healthState());
        String marker = "marker " + UUID.randomUUID();
        await().atMost(ViewerPage.PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            send("demo", "0", false, marker);
            return page.messages().contains(marker);
        });
        // Container metrics come every 5 s: the charts take a first point, then another.
        await().atMost(ViewerPage.PATIENCE).until(() -> page.chartPoints("cpu") > 0);
        long first = page.chartPoints("cpu");
        await().atMost(ViewerPage.PATIENCE).until(() -> page.chartPoints("cpu") > first);
        assertTrue(page.all("#chart-memory canvas").size() > 0, "the memory chart is drawn");
        browser.screenshot("app-tail");
    }
}
