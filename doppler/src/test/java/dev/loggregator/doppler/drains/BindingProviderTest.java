package dev.loggregator.doppler.drains;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.FakeBindingProvider;
import dev.loggregator.doppler.support.FakeBindingProvider.App;
import dev.loggregator.doppler.support.FakeBindingProvider.Binding;
import dev.loggregator.doppler.support.FakeBindingProvider.Credential;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.SyslogReceiver;
import dev.loggregator.doppler.support.TestCertificates;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.drains.DrainReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bindings from a Cloud Controller-shaped provider over mutual TLS, polled every second in pages
 * of two: added, removed and changed bindings take effect while the Doppler runs; bad and denied
 * URLs are refused, with the binding cache's messages in the app's stream and in {@code /drains};
 * an app gets at most five drains.
 */
class BindingProviderTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void bindingsFollowTheProviderLive() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        try (FakeBindingProvider provider = FakeBindingProvider.mutualTls(certs);
             SyslogReceiver receiver = SyslogReceiver.plain();
             SyslogReceiver mutualTls = SyslogReceiver.tls(certs, true)) {
            String url = receiver.url("syslog");
            List<Binding> bindings = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                bindings.add(Binding.of(url + "/?n=" + i, "app-" + i));
            }
            provider.bindings(bindings);
            try (DopplerNode doppler = DopplerNode.builder().name("binding-provider")
                    .set("metrics_interval_seconds", 3600)
                    .set("syslog_drains", "{allow_loopback: true, binding_provider: {url: '" + provider.url()
                            + "', batch_size: 2, poll_interval_seconds: 1, tls: {cert: '" + certs.clientCert + "', key: '"
                            + certs.clientKey + "', ca: '" + certs.caCert + "'}}}")
                    .start();
                 GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
                await().atMost(WAIT).until(() -> apps(report(doppler, null)).size() == 5);
                assertTrue(provider.queries().containsAll(List.of("batch_size=2&next_id=0", "batch_size=2&next_id=2",
                        "batch_size=2&next_id=4")), "paged: " + provider.queries());
                DrainReport.Drain first = report(doppler, "app-1").drains().get(0);
                assertEquals("org.space.app-1", first.hostname());
                assertEquals(url + "/", first.url(), "shown without its query");
                assertEquals("binding provider", first.source());

                for (int i = 1; i <= 5; i++) {
                    grpc.send(List.of(Envelopes.v2Log("app-" + i, "hello " + i)));
                }
                await().atMost(WAIT).until(() -> receiver.count() == 5);

                // Removed: gone within a poll.
                provider.bindings(bindings.subList(0, 4));
                await().atMost(WAIT).until(() -> !apps(report(doppler, null)).contains("app-5"));
                grpc.send(List.of(Envelopes.v2Log("app-5", "after unbinding"), Envelopes.v2Log("app-1", "marker")));
                await().atMost(WAIT).until(() -> receiver.messages().stream().anyMatch(m -> m.endsWith(" marker\n")));
                assertTrue(receiver.messages().stream().noneMatch(m -> m.contains("after unbinding")));

                // Added, then its credentials changed: a TLS receiver that wants a client certificate
                // refuses the first binding (none given) and takes the second (the test client's).
                String ca = Files.readString(certs.caCert);
                Binding noCertificate = new Binding(mutualTls.url("syslog-tls"),
                        List.of(new Credential("", "", ca, List.of(new App("org.space.tls", "app-tls")))));
                List<Binding> withTls = new ArrayList<>(bindings.subList(0, 4));
                withTls.add(noCertificate);
                provider.bindings(withTls);
                await().atMost(WAIT).until(() -> apps(report(doppler, null)).contains("app-tls"));
                grpc.send(List.of(Envelopes.v2Log("app-tls", "refused without a certificate")));
                await().atMost(WAIT).until(() -> report(doppler, "app-tls").drains().get(0).errors() > 0);
                Binding withCertificate = new Binding(mutualTls.url("syslog-tls"), List.of(new Credential(
                        Files.readString(certs.clientCert), Files.readString(certs.clientKey), ca,
                        List.of(new App("org.space.tls", "app-tls")))));
                withTls.set(4, withCertificate);
                provider.bindings(withTls);
                await().atMost(WAIT).until(() -> {
                    List<DrainReport.Drain> drains = report(doppler, "app-tls").drains();
                    return drains.size() == 1 && drains.get(0).errors() == 0;
                });
                grpc.send(List.of(Envelopes.v2Log("app-tls", "with a certificate")));
                await().atMost(WAIT).until(() -> mutualTls.messages().stream().anyMatch(m -> m.endsWith(" with a certificate\n")));
                assertEquals(List.of("CN=agent"), mutualTls.clientSubjects());
            }
        }
    }

    @Test
    void badAndDeniedUrlsAreRefusedWithTheirMessagesAndAnAppGetsAtMostFiveDrains() throws Exception {
        try (FakeBindingProvider provider = FakeBindingProvider.plain();
             SyslogReceiver receiver = SyslogReceiver.plain()) {
            List<Binding> bindings = new ArrayList<>(List.of(
                    Binding.of("syslog://169.254.169.254:514", "app-metadata"),
                    Binding.of("ftp://logs.example.org/drain", "app-ftp"),
                    Binding.of("syslog:///no-host", "app-no-host"),
                    Binding.of("syslog://bad host:514", "app-unparsable")));
            for (int i = 1; i <= 6; i++) {
                bindings.add(Binding.of(receiver.url("syslog") + "/" + i, "app-many"));
            }
            provider.bindings(bindings);
            try (DopplerNode doppler = DopplerNode.builder().name("refused-bindings")
                    .set("metrics_interval_seconds", 3600)
                    .set("syslog_drains", "{allow_loopback: true, binding_provider: {url: '" + provider.url()
                            + "', poll_interval_seconds: 1}}")
                    .start();
                 GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
                await().atMost(WAIT).until(() -> report(doppler, null).refused().size() == 5);
                DrainReport report = report(doppler, null);
                assertEquals(5, report.drains().size());
                assertEquals(Set.of("app-many"), apps(report));
                assertEquals(receiver.url("syslog") + "/6", refusal(report, "app-many").url(), "the first five by URL are kept");

                BatchSubscriber firehose = BatchSubscriber.connect(doppler.wsUrl("/firehose/refusals"));
                List<String> expected = List.of(
                        "Resolved ip address for syslog drain with url syslog://169.254.169.254:514 is blacklisted",
                        "Invalid Scheme ftp for syslog drain url ftp://logs.example.org/drain",
                        "No hostname found in syslog drain url syslog:///no-host",
                        "Cannot parse syslog drain URL.",
                        "Syslog drain with url " + receiver.url("syslog") + "/6 not used: at most 5 drains per app are written");
                List<String> apps = List.of("app-metadata", "app-ftp", "app-no-host", "app-unparsable", "app-many");
                for (int i = 0; i < apps.size(); i++) {
                    assertEquals(expected.get(i), refusal(report, apps.get(i)).reason());
                    grpc.send(List.of(Envelopes.v2Log(apps.get(i), "a line")));
                }
                for (int i = 0; i < apps.size(); i++) {
                    String app = apps.get(i);
                    String message = expected.get(i);
                    await().atMost(WAIT).until(() -> firehose.count(e -> e.hasLogMessage()
                            && e.getLogMessage().getAppId().equals(app) && e.getLogMessage().getSourceType().equals("LGR")
                            && message.equals(Envelopes.text(e))) == 1);
                }
                assertEquals(5, doppler.metric("doppler_syslog_drain_bindings_refused"));
                firehose.close();
            }
        }
    }

    @Test
    void loopbackIsDeniedUnlessAllowed() throws Exception {
        try (DopplerNode doppler = DopplerNode.builder().name("loopback-denied")
                .set("syslog_drains", "{bindings: [{app_id: app-local, url: 'syslog://127.0.0.1:514'},"
                        + " {app_id: app-local, url: 'syslog://[::1]:514'}]}")
                .start()) {
            await().atMost(WAIT).until(() -> report(doppler, null).refused().size() == 2);
            assertEquals(Set.of("Resolved ip address for syslog drain with url syslog://127.0.0.1:514 is blacklisted",
                            "Resolved ip address for syslog drain with url syslog://[::1]:514 is blacklisted"),
                    report(doppler, null).refused().stream().map(DrainReport.Refused::reason).collect(Collectors.toSet()));
        }
    }

    private static DrainReport.Refused refusal(DrainReport report, String app) {
        return report.refused().stream().filter(r -> app.equals(r.appId())).findFirst().orElseThrow();
    }

    private static Set<String> apps(DrainReport report) {
        return report.drains().stream().map(DrainReport.Drain::appId).collect(Collectors.toSet());
    }

    static DrainReport report(DopplerNode doppler, String app) throws IOException, InterruptedException {
        String query = app == null ? "" : "?app=" + app;
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + doppler.wsPort() + "/drains" + query)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return DrainReport.fromJson(response.body());
    }
}
