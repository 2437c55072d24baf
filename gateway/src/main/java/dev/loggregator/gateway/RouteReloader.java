package dev.loggregator.gateway;

import dev.loggregator.gateway.routing.RouteTable;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the manifest when its content changes and swaps in the new route table. Open
 * connections keep the backend they have; only new requests see the new routes. A manifest that no
 * longer loads is reported and the current routes stay. Polling the content (not inotify) also
 * catches editors that replace the file and config tools that rewrite it in place.
 */
final class RouteReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);

    private final Path file;
    private final GatewayContext gw;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "gateway-route-reloader");
        thread.setDaemon(true);
        return thread;
    });
    private byte[] lastContent;

    RouteReloader(Path file, GatewayContext gw, long intervalMillis) {
        this.file = file;
        this.gw = gw;
        this.lastContent = read();
        timer.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void check() {
        byte[] content = read();
        if (content == null || Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            Manifest manifest = ManifestLoader.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8), file.toString());
            gw.replaceRoutes(RouteTable.from(manifest, gw.backends()));
            LOG.info("routes reloaded from {} ({} routes); open connections keep their backends", file, manifest.gateway().routes().size());
        } catch (ManifestException e) {
            LOG.error("manifest changed but cannot be used, keeping the current routes: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("manifest changed but routes could not be rebuilt, keeping the current routes", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
