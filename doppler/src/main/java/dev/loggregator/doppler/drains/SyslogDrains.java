package dev.loggregator.doppler.drains;

import dev.loggregator.doppler.drains.binding.BindingChecker;
import dev.loggregator.doppler.drains.binding.CloudControllerBindings;
import dev.loggregator.doppler.drains.binding.DenyList;
import dev.loggregator.doppler.drains.binding.DrainTls;
import dev.loggregator.doppler.drains.binding.ManifestBindings;
import dev.loggregator.doppler.drains.transport.WriterSettings;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.routing.EnvelopeSink;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.manifest.SyslogDrainsSection;
import dev.loggregator.manifest.TlsFiles;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog drains (issue 17, modern-apis.md §4): every Doppler writes the drains of the envelopes it
 * receives, so no node writes every drain and a receiver gets each envelope once. The router thread
 * hands each envelope to the drains of its source id and to the aggregate drains ({@link #accept});
 * each drain has its own bounded queue, connection and backoff on one of a few shared event loops,
 * where envelopes are formatted and written. Bindings are refreshed on their own thread.
 * With no binding configured nothing of this starts and {@link #accept} costs one volatile read.
 */
public final class SyslogDrains implements EnvelopeSink {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogDrains.class);
    private static final long IDLE_SWEEP_SECONDS = 30;

    private final SyslogDrainsSection config;
    private final TlsFiles internalTls;
    private final DrainNotices notices;
    private final String dopplerName;
    private EventLoopGroup loops;
    private ScheduledExecutorService refreshThread;
    private DrainRegistry registry;
    private BindingRefresher refresher;
    private volatile DrainTable table = DrainTable.EMPTY;
    private long refusalIntervalNanos;

    /**
     * @param noticeStream where notices to app developers go (the Doppler's own intake)
     * @param dopplerName  how this Doppler names itself in reports ({@code host:port})
     */
    public SyslogDrains(SyslogDrainsSection config, TlsFiles internalTls, Consumer<Envelope> noticeStream,
                        String dopplerName) {
        this.config = config;
        this.internalTls = internalTls;
        this.notices = new DrainNotices(noticeStream, TimeUnit.SECONDS.toNanos(config.noticeIntervalSeconds()));
        this.dopplerName = dopplerName;
    }

    /** Starts the event loops and the binding refresh (the first one at once); nothing when no binding is configured. */
    public void start(DopplerMetrics metrics) {
        if (config.unused()) {
            return;
        }
        DrainTls tls = new DrainTls(config.trustedCa(), internalTls);
        BindingChecker checker = new BindingChecker(new DenyList(config.denyList(), config.allowLoopback()), tls,
                InetAddress::getByName);
        loops = new NioEventLoopGroup(config.threads(), new DefaultThreadFactory("doppler-drain", true));
        List<LoopPumps> pumps = new ArrayList<>();
        loops.forEach(loop -> pumps.add(new LoopPumps((EventLoop) loop)));
        registry = new DrainRegistry(pumps.toArray(LoopPumps[]::new), WriterSettings.of(config), notices, config.bufferSize(),
                config.defaultDrainMetadata());
        CloudControllerBindings provider = config.bindingProvider() == null ? null
                : new CloudControllerBindings(config.bindingProvider());
        refresher = new BindingRefresher(new ManifestBindings(config), provider, checker, registry, config.maxDrainsPerApp());
        refreshThread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("doppler-drain-bindings", true));
        long every = config.bindingProvider() == null ? 60 : config.bindingProvider().pollIntervalSeconds();
        // Refusals are told again once per refresh, as the binding cache warns at every poll.
        refusalIntervalNanos = TimeUnit.SECONDS.toNanos(Math.max(every, config.noticeIntervalSeconds()));
        refreshThread.scheduleWithFixedDelay(() -> {
            refresher.run();
            table = registry.table();
        }, 0, every, TimeUnit.SECONDS);
        loops.next().scheduleAtFixedRate(() -> guarded(this::announceDrops), 1, 1, TimeUnit.SECONDS);
        long idleNanos = TimeUnit.SECONDS.toNanos(config.idleTimeoutSeconds());
        loops.next().scheduleAtFixedRate(() -> guarded(() -> table.drains().forEach(drain -> drain.closeIfIdle(idleNanos))),
                IDLE_SWEEP_SECONDS, IDLE_SWEEP_SECONDS, TimeUnit.SECONDS);
        DrainMetrics.register(metrics, () -> table, refresher::refreshErrors);
        LOG.info("Syslog drains on: {} manifest binding(s), {} aggregate, binding provider {}", config.bindings().size(),
                config.aggregate().size(), config.bindingProvider() == null ? "none" : config.bindingProvider().url());
    }

    /** A periodic task that throws would never run again: log it and carry on. */
    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("Syslog drain housekeeping failed: {}", e.toString());
        }
    }

    /** Router thread: offers the envelope to its app's drains and to every aggregate drain. */
    @Override
    public void accept(RoutedEnvelope envelope) {
        DrainTable current = table;
        if (current.empty) {
            return;
        }
        for (SyslogDrain drain : current.aggregates) {
            drain.offer(envelope);
        }
        String sourceId = envelope.sourceId();
        if (sourceId == null) {
            return;
        }
        DrainTable.AppDrains app = current.byApp.get(sourceId);
        if (app == null) {
            return;
        }
        for (SyslogDrain drain : app.drains) {
            drain.offer(envelope);
        }
        if (app.refusalNoticeDue(refusalIntervalNanos)) {
            String[] refusals = app.refusals;
            loops.next().execute(() -> {
                for (String refusal : refusals) {
                    notices.refused(sourceId, refusal);
                }
            });
        }
    }

    /** Tells each app whose drains dropped messages since the last notice, at most once per notice interval. */
    private void announceDrops() {
        long now = System.nanoTime();
        for (SyslogDrain drain : table.drains()) {
            if (now - drain.nextDropNoticeNanos < 0) {
                continue;
            }
            long lost = drain.stats().takeUnannounced();
            if (lost > 0) {
                notices.lost(drain, lost);
                drain.nextDropNoticeNanos = now + notices.intervalNanos();
            }
        }
    }

    /** The JSON report of {@code GET /drains}: every drain, or only the app's when {@code appId} is given. */
    public byte[] report(String appId) {
        return DrainReports.of(dopplerName, table, appId).toJson();
    }

    /**
     * Stopping (after the router delivered what it held): lets every drain send what is queued,
     * for at most {@code timeout}, then closes them all.
     */
    public void stop(long timeout, TimeUnit unit) {
        if (loops == null) {
            return;
        }
        refreshThread.shutdownNow();
        try {
            refreshThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<SyslogDrain> waiting = new ArrayList<>(table.drains());
        waiting.forEach(SyslogDrain::flush);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!waiting.isEmpty() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            waiting.removeIf(SyslogDrains::drained);
            if (!waiting.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        if (!waiting.isEmpty()) {
            LOG.warn("{} syslog drain(s) still had messages to send when the Doppler stopped", waiting.size());
        }
        registry.closeAll();
        table = DrainTable.EMPTY;
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static boolean drained(SyslogDrain drain) {
        try {
            return drain.loop().submit(drain::drainedOnLoop).get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
