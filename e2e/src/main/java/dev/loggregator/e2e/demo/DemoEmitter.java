package dev.loggregator.e2e.demo;

import dev.loggregator.wire.ingress.IngressUnavailableException;
import dev.loggregator.wire.ingress.V2IngressClient;
import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import dev.loggregator.manifest.SyslogDrainsSection;
import dev.loggregator.e2e.drain.DemoDrainReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/loggregator up --demo}: a few demo apps writing OUT and ERR lines (some multi-line),
 * container metrics and counters through the Dopplers' v2 gRPC ingress, as Diego cells would.
 * Each app stays on one Doppler so its lines arrive in order. Syslog drains the manifest binds to a
 * demo app on this machine get a receiver here, writing to {@code demo-drain.log}.
 */
@Command(name = "demo-emitter", mixinStandardHelpOptions = true,
        description = "Emits logs and metrics of demo apps into the Dopplers of a manifest.")
public final class DemoEmitter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoEmitter.class);
    private static final long TICK_MILLIS = 250;

    @Option(names = "--manifest", required = true, description = "deployment manifest")
    Path manifestFile;

    @Option(names = "--ready-file", description = "created once the emitter runs (the launcher waits for it)")
    Path readyFile;

    @Option(names = "--lines-per-second", defaultValue = "8", description = "log lines per second per app (default ${DEFAULT-VALUE})")
    int linesPerSecond;

    @Option(names = "--drain-log", description = "where the demo's syslog drain receiver writes (default: demo-drain.log"
            + " next to the ready file)")
    Path drainLog;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoEmitter()).execute(args));
    }

    @Override
    public void run() {
        Manifest manifest;
        try {
            manifest = ManifestLoader.load(manifestFile);
        } catch (ManifestException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<V2IngressClient> dopplers = new ArrayList<>();
        for (DopplerSection.Instance d : manifest.doppler().instances()) {
            if (d.grpcPort() != 0) {
                String host = d.host().equals("0.0.0.0") ? "127.0.0.1" : d.host();
                dopplers.add(new V2IngressClient(host, d.grpcPort()));
            }
        }
        if (dopplers.isEmpty()) {
            System.err.println(manifestFile + ": no Doppler has a grpc_port; the demo emitter sends v2 over gRPC");
            System.exit(2);
            return;
        }
        List<DemoApp> apps = List.of(DemoApp.web(DemoApps.WEB, 2), DemoApp.worker(DemoApps.WORKER), DemoApp.cron(DemoApps.CRON));
        List<DemoDrainReceiver> receivers = drainReceivers(manifest, apps);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "demo-emitter"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdown();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dopplers.forEach(V2IngressClient::close);
            receivers.forEach(DemoDrainReceiver::close);
            stopped.countDown();
        }, "demo-emitter-shutdown"));
        LOG.info("emitting for apps {} into {} Doppler(s), {} lines/s per app",
                apps.stream().map(DemoApp::name).toList(), dopplers.size(), linesPerSecond);
        int[] failures = new int[apps.size()];
        ticker.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            for (int i = 0; i < apps.size(); i++) {
                DemoApp app = apps.get(i);
                List<Envelope> batch = app.tick(now, linesPerSecond * TICK_MILLIS / 1000.0);
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    dopplers.get(i % dopplers.size()).send(batch);
                    if (failures[i] > 0) {
                        LOG.info("{}: Doppler reachable again after {} failed sends", app.name(), failures[i]);
                        failures[i] = 0;
                    }
                } catch (IngressUnavailableException e) {
                    if (failures[i]++ == 0) {
                        LOG.warn("{}: cannot send to the Doppler ({}); retrying every tick", app.name(), e.getMessage());
                    }
                }
            }
        }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (readyFile != null) {
            try {
                Files.writeString(readyFile, ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                LOG.warn("cannot write the ready file {}: {}", readyFile, e.toString());
            }
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A receiver for each syslog drain the manifest binds to a demo app on this machine
     * ({@code syslog://127.0.0.1:PORT}, as deploy/dev.yml binds {@code demo}), so the drain has
     * somewhere to go; what arrives is written to {@code demo-drain.log}.
     */
    private List<DemoDrainReceiver> drainReceivers(Manifest manifest, List<DemoApp> apps) {
        Set<String> demoApps = apps.stream().map(DemoApp::appId).collect(Collectors.toSet());
        Path log = drainLog != null ? drainLog
                : (readyFile != null && readyFile.toAbsolutePath().getParent() != null
                        ? readyFile.toAbsolutePath().getParent().resolve("demo-drain.log") : Path.of("demo-drain.log"));
        Set<InetSocketAddress> addresses = new LinkedHashSet<>();
        for (SyslogDrainsSection.Binding binding : manifest.doppler().syslogDrains().bindings()) {
            URI url;
            try {
                url = new URI(binding.url());
            } catch (URISyntaxException e) {
                continue;
            }
            if (demoApps.contains(binding.appId()) && "syslog".equals(url.getScheme()) && url.getPort() > 0
                    && ("127.0.0.1".equals(url.getHost()) || "localhost".equals(url.getHost()))) {
                addresses.add(new InetSocketAddress("127.0.0.1", url.getPort()));
            }
        }
        List<DemoDrainReceiver> receivers = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            try {
                receivers.add(new DemoDrainReceiver(address, log));
            } catch (Exception e) { // Netty rethrows a failed bind's BindException unchecked
                LOG.warn("no demo syslog drain receiver on {}: {}", address, e.toString());
            }
        }
        return receivers;
    }
}
