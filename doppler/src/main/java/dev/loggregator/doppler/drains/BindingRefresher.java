package dev.loggregator.doppler.drains;

import dev.loggregator.doppler.drains.binding.BindingChecker;
import dev.loggregator.doppler.drains.binding.CloudControllerBindings;
import dev.loggregator.doppler.drains.binding.DrainBinding;
import dev.loggregator.doppler.drains.binding.ManifestBindings;
import dev.loggregator.doppler.logging.RateLimitedLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One refresh of the bindings, run on an interval on its own thread: the manifest's bindings and
 * the binding provider's (the last good answer when a poll fails, as the binding cache keeps its
 * store), each checked, at most {@code max_drains_per_app} per app (the first ones by URL, as the
 * agent's binding fetcher keeps them; the others are refused with a message), handed to the registry.
 */
final class BindingRefresher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BindingRefresher.class);

    private final ManifestBindings manifest;
    private final CloudControllerBindings provider;
    private final BindingChecker checker;
    private final DrainRegistry registry;
    private final int maxDrainsPerApp;
    private final RateLimitedLog pollFailures = new RateLimitedLog(LOG);
    private final AtomicLong refreshErrors = new AtomicLong();
    private List<DrainBinding> providerBindings = List.of();

    BindingRefresher(ManifestBindings manifest, CloudControllerBindings provider, BindingChecker checker,
                     DrainRegistry registry, int maxDrainsPerApp) {
        this.manifest = manifest;
        this.provider = provider;
        this.checker = checker;
        this.registry = registry;
        this.maxDrainsPerApp = maxDrainsPerApp;
    }

    /** Failed polls of the binding provider so far. */
    long refreshErrors() {
        return refreshErrors.get();
    }

    @Override
    public void run() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.error("Syslog drain bindings not refreshed", e);
        }
    }

    private void refresh() {
        ManifestBindings.Loaded fromManifest = manifest.load();
        if (provider != null) {
            try {
                providerBindings = provider.fetch();
            } catch (IOException e) {
                refreshErrors.incrementAndGet();
                pollFailures.warn("Cannot poll the syslog drain binding provider (keeping the {} bindings of the last poll): {}",
                        providerBindings.size(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Map<DrainBinding.Identity, DrainBinding> unique = new LinkedHashMap<>();
        for (DrainBinding binding : fromManifest.bindings()) {
            unique.putIfAbsent(binding.identity(), binding);
        }
        for (DrainBinding binding : providerBindings) {
            unique.putIfAbsent(binding.identity(), binding);
        }
        List<BindingChecker.Accepted> accepted = new ArrayList<>();
        List<BindingChecker.Refused> refused = new ArrayList<>(fromManifest.refused());
        for (DrainBinding binding : unique.values()) {
            BindingChecker.Result result = checker.check(binding, registry.runs(binding));
            if (result instanceof BindingChecker.Accepted ok) {
                accepted.add(ok);
            } else {
                refused.add((BindingChecker.Refused) result);
            }
        }
        registry.apply(limitPerApp(accepted, refused), refused);
    }

    private List<BindingChecker.Accepted> limitPerApp(List<BindingChecker.Accepted> accepted,
                                                      List<BindingChecker.Refused> refused) {
        Map<String, List<BindingChecker.Accepted>> byApp = new LinkedHashMap<>();
        List<BindingChecker.Accepted> kept = new ArrayList<>();
        for (BindingChecker.Accepted binding : accepted) {
            if (binding.binding().aggregate()) {
                kept.add(binding);
            } else {
                byApp.computeIfAbsent(binding.binding().appId(), app -> new ArrayList<>()).add(binding);
            }
        }
        for (List<BindingChecker.Accepted> drains : byApp.values()) {
            drains.sort(Comparator.comparing(binding -> binding.binding().url()));
            for (int i = 0; i < drains.size(); i++) {
                BindingChecker.Accepted binding = drains.get(i);
                if (i < maxDrainsPerApp) {
                    kept.add(binding);
                } else {
                    refused.add(new BindingChecker.Refused(binding.binding(), "Syslog drain with url "
                            + binding.url().anonymous() + " not used: at most " + maxDrainsPerApp
                            + " drains per app are written", false));
                }
            }
        }
        return kept;
    }
}
