package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/**
 * Scenario "noisy": one app sending ten times its fair share beside 99 quiet apps. By default a short ramp
 * first finds what the path to the one firehose reader takes without loss (C, envelopes/s offered); then each
 * step gives every app a fair share of {@code load x C / 109} (the noisy app ten times that), so that the
 * step offers {@code load x C} in all: below, at and beyond saturation. The noisy app has a log-rate limit
 * of its fair share ({@code doppler.log_rate_limit}). Explicit fair shares ({@code --noisy-shares}) replace
 * the ramp. At and below saturation the quiet apps must lose nothing; beyond it what they lose is the path's
 * overload, which no app is above the others to shed. The noisy app's loss must be accounted exactly: delivered + its drops in the Doppler's per-app counter
 * ({@code doppler_app_dropped_envelopes_total{app}}: log-rate limit, fair share, ingress shed, slow subscriber)
 * + its drops in the Traffic Controllers' ({@code doppler_proxy_app_dropped_envelopes_total{app}}: fair share,
 * buffer full in the firehose client's queue) = sent.
 * Every envelope is 200 bytes of payload; the firehose client counts what arrives per app.
 */
final class NoisyNeighbourScenario {
    private static final int QUIET_APPS = 99;
    private static final int NOISY_SHARES = 10;
    /** What a step offers per unit of fair share: the quiet apps' shares and the noisy app's ten. */
    private static final int OFFERS_PER_SHARE = QUIET_APPS + NOISY_SHARES;
    private static final int PAYLOAD_BYTES = LoadGenerator.PAYLOAD.size();
    private static final String FAIR_SHARE = "doppler_dropped_envelopes_total{reason=\"fair_share\"}";
    private static final String INGRESS_SHED = "doppler_dropped_envelopes_total{reason=\"ingress_shed\"}";
    private static final String APP_DROPS = "doppler_app_dropped_envelopes_total{app=\"";
    private static final String TC_APP_DROPS = "doppler_proxy_app_dropped_envelopes_total{app=\"";
    private static final String NOTICE_PREFIX = "app instance exceeded log rate limit (";
    /** The steps' loads, in multiples of the reader's loss-free capacity C. */
    static final List<Double> LOADS = List.of(0.5, 0.9, 1.0, 1.2);
    /**
     * Fair shares are taken in steps of this many envelopes/s, each with a noisy app of its own whose log-rate
     * limit is in the Doppler's manifest from the start ({@link #rampManifest}), since C is known only once
     * the deployment runs.
     */
    private static final int SHARE_GRAIN = 50;
    private static final int MAX_SHARE = 10_000;
    /** The ramp's offered rates (envelopes/s), over 100 apps alike; it stops at the first rate with loss. */
    private static final List<Integer> RAMP = List.of(200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000,
            1_000_000);
    /** Rates offered before the ramp, not judged: the first heavy step after start meets cold JITs and lost lines. */
    private static final List<Integer> WARM_UP = List.of(50_000, 150_000);

    private NoisyNeighbourScenario() {
    }

    /** The noisy app of a step: a GUID, longer than the quiet apps' ids, so the firehose client tells them apart by length. */
    static String noisyApp(int fairShare) {
        return LoadGenerator.appId("0015e000-0000-4000-8000-", fairShare);
    }

    /** The Doppler's manifest lines that give each step's noisy app its fair share as its log-rate limit. */
    static String dopplerManifest(List<Integer> fairShares) {
        StringBuilder apps = new StringBuilder();
        for (int share : fairShares) {
            apps.append(apps.isEmpty() ? "" : ", ").append(noisyApp(share)).append(": ").append((long) share * PAYLOAD_BYTES);
        }
        return "log_rate_limit: {apps: {" + apps + "}}";
    }

    /** Every fair share a ramp may give a step ({@link #SHARE_GRAIN} up to {@link #MAX_SHARE}), with its noisy app's limit. */
    static String rampManifest() {
        List<Integer> shares = new ArrayList<>();
        for (int share = SHARE_GRAIN; share <= MAX_SHARE; share += SHARE_GRAIN) {
            shares.add(share);
        }
        return dopplerManifest(shares);
    }

    /**
     * {@code fairShares}: each step's fair share (null: from the ramp and {@link #LOADS}) (envelopes/s per app); the whole step offers 109 times as much.
     * {@code limited}: the Doppler was given the noisy app's log-rate limit ({@link #dopplerManifest}); without, only
     * the fair shares of the Doppler's and the Traffic Controller's queues hold it back.
     */
    static ResultTable run(LoopbackDeployment deployment, LogEndpointClient client, double stepSeconds, List<Integer> fairShares,
                           boolean limited) {
        ResultTable table = new ResultTable(limited ? "10-noisy-neighbour" : "10-noisy-neighbour-unlimited",
                "1 app at 10x its fair share (" + (limited ? "log-rate limit = its fair share" : "no log-rate limit")
                        + ") + 99 quiet apps, v2 gRPC -> Doppler -> TC -> 1 firehose client");
        List<ManagedProcess> dopplers = deployment.system().processes().stream().filter(p -> p.name().startsWith("doppler-")).toList();
        List<ManagedProcess> trafficControllers = deployment.system().processes().stream()
                .filter(p -> p.name().startsWith("traffic-controller-")).toList();
        long seconds = Math.max(2, Math.round(stepSeconds));
        List<Integer> shares = fairShares;
        double capacity = 0;
        if (shares == null) {
            capacity = ramp(table, deployment, client, seconds, dopplers);
            table.notes.add(String.format("the Dopplers settled %.1f s after the ramp (counters still for 1 s)", settle(dopplers)));
            shares = new ArrayList<>();
            for (double load : LOADS) {
                shares.add((int) Math.max(SHARE_GRAIN, Math.min(MAX_SHARE,
                        Math.round(load * capacity / OFFERS_PER_SHARE / SHARE_GRAIN) * SHARE_GRAIN)));
            }
        }
        for (int share : shares) {
            // a client per step: it tells apps apart by frame length, and each step's apps have the same lengths
            FrameTally tally = new FrameTally();
            try (EnvelopeStream stream = EnvelopeStream.open(client.http(),
                    client.endpoint().resolve("/firehose/noisy-" + UUID.randomUUID() + "?filter-type=logs"), deployment.operator(), tally)) {
                warmUp(deployment, tally);
                step(table, deployment, tally, share, seconds, dopplers, trafficControllers, limited, capacity);
                if (!stream.isOpen()) {
                    table.notes.add("the firehose stream was closed: " + stream.closed().getNow(null));
                    break;
                }
            }
        }
        table.notes.add((capacity > 0 ? "quiet loss must be 0 at and below saturation (offered <= C); beyond it, it is the"
                + " path's overload" : "quiet loss must be 0") + "; noisy delivered + its drops counted for it (every reason, Doppler and Traffic Controllers)"
                + " must equal noisy sent (\"unaccounted\" 0); \"other Doppler drops\" are those of neither the noisy nor the quiet"
                + " apps of the step; \"TC drops\" are every drop of the Traffic Controllers, by reader");
        return table;
    }

    /**
     * The one firehose reader's loss-free capacity: 100 apps alike at rising rates ({@link #RAMP}) for {@code seconds}
     * each (as long as the steps after it: the queues on the way hold a few hundred thousand envelopes, so a shorter
     * step would find a rate they only absorb for a while), until a rate loses lines (anywhere: the Doppler or
     * the Traffic Controller) or the generator falls short of it; then two steps bisecting between the last rate
     * without loss and that one, each after the Dopplers settled. The rates are the offered ones; C is the highest
     * loss-free one below the lowest that lost. Two steps before it warm the JITs and are not judged; a loss at the
     * ramp's first rate makes it the capacity's floor.
     */
    private static double ramp(ResultTable table, LoopbackDeployment deployment, LogEndpointClient client, double seconds,
                               List<ManagedProcess> dopplers) {
        String prefix = "ramp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            apps.add(String.format("%s%02d", prefix, i));
        }
        FrameTally tally = new FrameTally();
        List<String> steps = new ArrayList<>();
        double best = 0;
        try (EnvelopeStream stream = EnvelopeStream.open(client.http(),
                client.endpoint().resolve("/firehose/noisy-ramp-" + UUID.randomUUID() + "?filter-type=logs"), deployment.operator(), tally);
             LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), apps).everyStream()) {
            warmUp(deployment, tally);
            List<String> warming = new ArrayList<>();
            for (int rate : WARM_UP) {
                rampStep(tally, generator, prefix, rate, 2, warming);
            }
            table.notes.add("ramp warm-up (not judged; offered/s: lost): " + String.join(", ", warming));
            int lossyRate = 0;
            double lowestLossy = Double.MAX_VALUE;
            List<Double> lossFree = new ArrayList<>();
            for (int rate : RAMP) {
                double offered = rampStep(tally, generator, prefix, rate, seconds, steps);
                if (offered < 0) {
                    lossyRate = rate;
                    lowestLossy = Math.min(lowestLossy, -offered);
                    break;
                }
                lossFree.add(offered);
                best = offered;
                if (offered < rate * 0.9) {
                    table.notes.add("the generator offered no more than " + Math.round(offered) + "/s: C is its limit, not the reader's");
                    break;
                }
            }
            for (int i = 0; i < 2 && lossyRate > 0 && best > 0; i++) {
                // a lossy step leaves the Dopplers a backlog: the next one starts once they have worked through it
                settle(dopplers);
                int mid = (int) ((best + lossyRate) / 2);
                double offered = rampStep(tally, generator, prefix, mid, seconds, steps);
                if (offered < 0) {
                    lossyRate = mid;
                    lowestLossy = Math.min(lowestLossy, -offered);
                } else {
                    lossFree.add(offered);
                    best = Math.max(best, offered);
                }
            }
            // On a shared machine a step may lose at a lower offered rate than another that did not: C is a rate that
            // no slower step lost at, the highest loss-free one below the lowest lossy one.
            double below = lowestLossy;
            best = lossFree.stream().mapToDouble(Double::doubleValue).filter(r -> r < below).max().orElse(0);
        }
        best = Math.max(best, RAMP.get(0));
        table.notes.add("ramp (100 apps alike, " + seconds + " s a step; offered/s: lost): " + String.join(", ", steps)
                + "; loss-free capacity C = " + Math.round(best) + "/s (the highest loss-free rate below the lowest lossy one)");
        return best;
    }

    /**
     * Waits until the Dopplers have taken in, routed or shed everything the ramp sent (their ingress, egress and
     * drop counters still for a second, at most 30 s): the ramp ends by overloading them, and a step started
     * before they caught up would be judged on the ramp's backlog (in one run the 0.5 x C step after it lost
     * 140,496 quiet lines, all shed at ingress while the Doppler worked through what the ramp had queued).
     * Returns the seconds it waited.
     */
    private static double settle(List<ManagedProcess> dopplers) {
        long t0 = System.nanoTime();
        long deadline = t0 + 30_000_000_000L;
        long last = -2;
        long stillSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = ComponentMetrics.sum(dopplers, "doppler_ingress_envelopes_total")
                    + ComponentMetrics.sum(dopplers, "doppler_egress_envelopes_total")
                    + ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
            if (now != last) {
                last = now;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince >= 1_000_000_000L) {
                break;
            }
            LockSupport.parkNanos(200_000_000L);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One ramp step: the rate offered, or minus the rate offered when lines were lost. */
    private static double rampStep(FrameTally tally, LoadGenerator generator, String prefix, int rate, double seconds, List<String> steps) {
        Function<Envelope, String> ramp = e -> e.hasLogMessage() && e.getLogMessage().getAppId().startsWith(prefix)
                && e.getLogMessage().getMessage().equals(LoadGenerator.PAYLOAD) ? "ramp" : null;
        long before = tally.count(ramp, "ramp");
        long t0 = System.nanoTime();
        long sent = generator.run(rate, seconds, 100);
        double offered = sent / ((System.nanoTime() - t0) / 1e9);
        long deadline = System.nanoTime() + 15_000_000_000L;
        long got = tally.count(ramp, "ramp") - before;
        long last = got;
        long lastChange = System.nanoTime();
        while (got < sent && System.nanoTime() < deadline && System.nanoTime() - lastChange < 1_500_000_000L) {
            LockSupport.parkNanos(200_000_000L);
            got = tally.count(ramp, "ramp") - before;
            if (got != last) {
                last = got;
                lastChange = System.nanoTime();
            }
        }
        steps.add(Math.round(offered) + ": " + (sent - got));
        return got >= sent ? offered : -Math.max(offered, 1);
    }

    /** Sends a few envelopes of an app of its own until the client gets them: the subscription reaches the Doppler. */
    private static void warmUp(LoopbackDeployment deployment, FrameTally tally) {
        String warm = "warm-up-" + UUID.randomUUID();
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0)), List.of(warm))) {
            while (tally.count(e -> e.hasLogMessage() && e.getLogMessage().getAppId().equals(warm) ? "warm" : null, "warm") == 0
                    && System.nanoTime() < deadline) {
                generator.run(1_000, 0.1, 1);
                LockSupport.parkNanos(100_000_000L);
            }
        }
    }

    private static void step(ResultTable table, LoopbackDeployment deployment, FrameTally tally, int share, long seconds,
                             List<ManagedProcess> dopplers, List<ManagedProcess> trafficControllers, boolean rateLimited,
                             double capacity) {
        String noisy = noisyApp(share);
        String quietPrefix = "q" + share + "-";
        // 10 noisy entries spread among the 99 quiet ones: every batch of 109 carries each quiet app once, the noisy one 10 times
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < QUIET_APPS; i++) {
            apps.add(String.format("%s%02d", quietPrefix, i));
            if (i % 10 == 9) {
                apps.add(noisy);
            }
        }
        apps.add(noisy);
        int batch = apps.size();
        int rate = share * batch;
        String noisyDrops = APP_DROPS + noisy + "\",";
        String quietDrops = APP_DROPS + quietPrefix;
        String noisyTcDrops = TC_APP_DROPS + noisy + "\",";
        String quietTcDrops = TC_APP_DROPS + quietPrefix;
        long noisyDroppedBefore = Math.max(0, ComponentMetrics.sumStartingWith(dopplers, noisyDrops));
        long quietDroppedBefore = Math.max(0, ComponentMetrics.sumStartingWith(dopplers, quietDrops));
        long noisyTcDroppedBefore = Math.max(0, ComponentMetrics.sumStartingWith(trafficControllers, noisyTcDrops));
        long quietTcDroppedBefore = Math.max(0, ComponentMetrics.sumStartingWith(trafficControllers, quietTcDrops));
        long limitedBefore = Math.max(0, ComponentMetrics.sumStartingWith(dopplers, noisyDrops + "reason=\"log_rate_limit\""));
        long dopplerDrops = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
        long fairShareDrops = Math.max(0, ComponentMetrics.sum(dopplers, FAIR_SHARE));
        long shedDrops = Math.max(0, ComponentMetrics.sum(dopplers, INGRESS_SHED));
        long tcDrops = ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total");
        long sent;
        long t0 = System.nanoTime();
        try (LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), apps).everyStream()) {
            sent = generator.run(rate, seconds, batch);
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        boolean wholeBatches = sent % batch == 0;
        long noisySent = sent / batch * NOISY_SHARES;
        long quietSent = sent / batch * QUIET_APPS;
        // wait until everything is accounted for, or nothing moved for 2 s
        long deadline = System.nanoTime() + 30_000_000_000L;
        long lastTotal = -1;
        long lastChange = System.nanoTime();
        long quiet;
        long quietDropped;
        long noisyDelivered;
        long noisyDropped;
        long noisyTcDropped;
        long quietTcDropped;
        while (true) {
            quiet = tally.count(e -> kind(e, noisy, quietPrefix), "quiet");
            noisyDelivered = tally.count(e -> kind(e, noisy, quietPrefix), "noisy");
            noisyTcDropped = Math.max(0, ComponentMetrics.sumStartingWith(trafficControllers, noisyTcDrops)) - noisyTcDroppedBefore;
            quietTcDropped = Math.max(0, ComponentMetrics.sumStartingWith(trafficControllers, quietTcDrops)) - quietTcDroppedBefore;
            noisyDropped = Math.max(0, ComponentMetrics.sumStartingWith(dopplers, noisyDrops)) - noisyDroppedBefore + noisyTcDropped;
            quietDropped = Math.max(0, ComponentMetrics.sumStartingWith(dopplers, quietDrops)) - quietDroppedBefore + quietTcDropped;
            long total = quiet + quietDropped + noisyDelivered + noisyDropped;
            if ((quiet + quietDropped == quietSent && noisyDelivered + noisyDropped == noisySent) || System.nanoTime() > deadline) {
                break;
            }
            if (total != lastTotal) {
                lastTotal = total;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 2_000_000_000L) {
                break;
            }
            LockSupport.parkNanos(200_000_000L);
        }
        long limited = Math.max(0, ComponentMetrics.sumStartingWith(dopplers, noisyDrops + "reason=\"log_rate_limit\"")) - limitedBefore;
        long allDopplerDrops = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total") - dopplerDrops;
        Map<String, Object> row = table.row();
        if (capacity > 0) {
            row.put("load (x C)", Math.round(share * OFFERS_PER_SHARE / capacity * 100) / 100.0);
        }
        row.put("fair share/s", (long) share);
        row.put("limit B/s", rateLimited ? (long) share * PAYLOAD_BYTES : 0L);
        row.put("offered/s", sent / sendSeconds);
        row.put("quiet sent", quietSent);
        row.put("quiet delivered", quiet);
        row.put("quiet loss", quietSent - quiet);
        row.put("quiet drops counted", quietDropped);
        row.put("quiet drops in TC", quietTcDropped);
        row.put("noisy sent", noisySent);
        row.put("noisy delivered", noisyDelivered);
        row.put("noisy dropped (counted for it)", noisyDropped);
        row.put("of which log_rate_limit", limited);
        row.put("noisy drops in TC", noisyTcDropped);
        row.put("noisy unaccounted", noisySent - noisyDelivered - noisyDropped);
        row.put("notices", tally.count(e -> kind(e, noisy, quietPrefix), "notice"));
        row.put("other notices", tally.count(e -> kind(e, noisy, quietPrefix), "other notice"));
        row.put("Doppler drops: fair_share", Math.max(0, ComponentMetrics.sum(dopplers, FAIR_SHARE)) - fairShareDrops);
        row.put("Doppler drops: ingress_shed", Math.max(0, ComponentMetrics.sum(dopplers, INGRESS_SHED)) - shedDrops);
        row.put("other Doppler drops", allDopplerDrops - (noisyDropped - noisyTcDropped) - (quietDropped - quietTcDropped));
        row.put("TC drops", ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total") - tcDrops);
        if (!wholeBatches) {
            table.notes.add("fair share " + share + "/s: the generator stopped within a batch, so per-app sent counts are approximate");
        }
    }

    private static String kind(Envelope envelope, String noisy, String quietPrefix) {
        if (!envelope.hasLogMessage()) {
            return null;
        }
        String app = envelope.getLogMessage().getAppId();
        // only the generator's own lines count as delivered: the notices of a limit, of fair share or of a
        // link's or Traffic Controller's drops go to the same app
        boolean line = envelope.getLogMessage().getMessage().equals(LoadGenerator.PAYLOAD);
        if (app.equals(noisy)) {
            return line ? "noisy" : envelope.getLogMessage().getMessage().toStringUtf8().startsWith(NOTICE_PREFIX) ? "notice" : "other notice";
        }
        return line && app.startsWith(quietPrefix) ? "quiet" : null;
    }
}
