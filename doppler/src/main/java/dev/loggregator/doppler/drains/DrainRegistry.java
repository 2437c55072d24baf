package dev.loggregator.doppler.drains;

import dev.loggregator.doppler.drains.binding.BindingChecker;
import dev.loggregator.doppler.drains.binding.DrainBinding;
import dev.loggregator.doppler.drains.binding.DrainUrl;
import dev.loggregator.doppler.drains.format.DrainOptions;
import dev.loggregator.doppler.drains.transport.DrainEndpoint;
import dev.loggregator.doppler.drains.transport.WriterSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drains that exist, one per binding in force: a refresh hands in the checked bindings; a
 * binding seen before keeps its drain (and connection, counters and queue), a new one gets a new
 * drain, a vanished or changed one has its drain closed at once; then the router's table is
 * replaced. Refresh thread only, except {@link #table()}.
 */
final class DrainRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DrainRegistry.class);

    /** The event loops' pump lists, handed to new drains in turn. */
    private final LoopPumps[] loops;
    private int nextLoop;
    private final WriterSettings settings;
    private final DrainNotices notices;
    private final int bufferSize;
    private final boolean defaultDrainMetadata;
    private final Map<DrainBinding.Identity, SyslogDrain> drains = new HashMap<>();
    private Set<String> refusedBefore = Set.of();
    private volatile DrainTable table = DrainTable.EMPTY;

    DrainRegistry(LoopPumps[] loops, WriterSettings settings, DrainNotices notices, int bufferSize,
                  boolean defaultDrainMetadata) {
        this.loops = loops;
        this.settings = settings;
        this.notices = notices;
        this.bufferSize = bufferSize;
        this.defaultDrainMetadata = defaultDrainMetadata;
    }

    DrainTable table() {
        return table;
    }

    /** Whether a drain for exactly this binding runs already (its credentials then need no new check). */
    boolean runs(DrainBinding binding) {
        return drains.containsKey(binding.identity());
    }

    void apply(List<BindingChecker.Accepted> accepted, List<BindingChecker.Refused> refused) {
        Map<DrainBinding.Identity, SyslogDrain> next = new LinkedHashMap<>();
        for (BindingChecker.Accepted binding : accepted) {
            DrainBinding.Identity identity = binding.binding().identity();
            SyslogDrain drain = drains.get(identity);
            if (drain == null) {
                drain = new SyslogDrain(binding.binding(), new DrainEndpoint(binding.url(), binding.address(), binding.tls()),
                        DrainOptions.parse(binding.url().rawQuery(), defaultDrainMetadata), nextLoop(), bufferSize,
                        settings, notices);
                LOG.info("Syslog drain {} for {} bound ({}, {})", binding.url().anonymous(), describe(binding.binding()),
                        binding.binding().source().label(), drain.options().data().label());
            } else {
                drain.endpoint().address(binding.address());
            }
            next.put(identity, drain);
        }
        for (Map.Entry<DrainBinding.Identity, SyslogDrain> old : drains.entrySet()) {
            if (!next.containsKey(old.getKey())) {
                SyslogDrain drain = old.getValue();
                LOG.info("Syslog drain {} for {} unbound", drain.endpoint().url().anonymous(), describe(drain.binding()));
                drain.close();
            }
        }
        drains.clear();
        drains.putAll(next);
        table = buildTable(next.values(), refused, table);
        logNewRefusals(refused);
    }

    private LoopPumps nextLoop() {
        LoopPumps pumps = loops[nextLoop];
        nextLoop = (nextLoop + 1) % loops.length;
        return pumps;
    }

    private static DrainTable buildTable(Iterable<SyslogDrain> drains, List<BindingChecker.Refused> refused,
                                         DrainTable previous) {
        Map<String, List<SyslogDrain>> byApp = new LinkedHashMap<>();
        List<SyslogDrain> aggregates = new ArrayList<>();
        for (SyslogDrain drain : drains) {
            if (drain.binding().aggregate()) {
                aggregates.add(drain);
            } else {
                byApp.computeIfAbsent(drain.binding().appId(), app -> new ArrayList<>()).add(drain);
            }
        }
        Map<String, List<String>> refusalsByApp = new LinkedHashMap<>();
        List<DrainTable.Refusal> refusals = new ArrayList<>();
        for (BindingChecker.Refused refusal : refused) {
            String appId = refusal.binding().appId();
            refusals.add(new DrainTable.Refusal(appId, anonymous(refusal.binding().url()), refusal.message()));
            if (appId != null) {
                refusalsByApp.computeIfAbsent(appId, app -> new ArrayList<>()).add(refusal.message());
                byApp.computeIfAbsent(appId, app -> new ArrayList<>());
            }
        }
        Map<String, DrainTable.AppDrains> table = new HashMap<>();
        byApp.forEach((app, list) -> {
            DrainTable.AppDrains drainsOfApp = new DrainTable.AppDrains(list.toArray(SyslogDrain[]::new),
                    refusalsByApp.getOrDefault(app, List.of()).toArray(String[]::new));
            drainsOfApp.continueFrom(previous.byApp.get(app));
            table.put(app, drainsOfApp);
        });
        return new DrainTable(table, aggregates.toArray(SyslogDrain[]::new), refusals);
    }

    private void logNewRefusals(List<BindingChecker.Refused> refused) {
        Set<String> now = refused.stream().map(r -> r.binding().appId() + " " + r.message()).collect(Collectors.toSet());
        for (BindingChecker.Refused refusal : refused) {
            if (!refusedBefore.contains(refusal.binding().appId() + " " + refusal.message())) {
                LOG.warn("Syslog drain binding for {} refused: {}", describe(refusal.binding()), refusal.message());
            }
        }
        refusedBefore = now;
    }

    /** Stops every drain (the Doppler is stopping). */
    void closeAll() {
        drains.values().forEach(SyslogDrain::close);
        drains.clear();
        table = DrainTable.EMPTY;
    }

    private static String describe(DrainBinding binding) {
        return binding.aggregate() ? "every source (aggregate)" : "app " + binding.appId();
    }

    /** A URL without user info and query for operators; the raw text when it does not parse. */
    private static String anonymous(String url) {
        DrainUrl parsed = DrainUrl.parse(url);
        return parsed == null ? "(unparsable URL)" : parsed.anonymous();
    }
}
