package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.wire.framing.LinkSequence;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical subscription ({@code /apps/{app}/stream} or {@code /firehose/{id}?filter-type=...})
 * held open on every Doppler of the directory. A link that fails or closes is re-dialled with
 * exponential backoff while the others carry on, so a Doppler dying or restarting never ends the
 * client's stream; Dopplers appearing in or leaving the directory gain or lose a link.
 */
public final class DopplerSubscription implements DopplerDirectory.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerSubscription.class);
    static final long MIN_BACKOFF_MILLIS = 100;
    /**
     * Kept short so a Doppler that restarts is linked again within about a second of taking ingress
     * (a refused connect costs next to nothing); what it took meanwhile is replayed on the resumed link.
     */
    static final long MAX_BACKOFF_MILLIS = 1000;
    /** Resume point of a link to a Doppler whose incarnation was never seen: replay since its start. */
    private static final String UNKNOWN_INCARNATION = LinkSequence.resume("unknown", 0);

    private final DopplerConnector connector;
    private final String pathAndQuery;
    private final LinkFrames frames;
    private final Map<DopplerAddress, Slot> slots = new HashMap<>();
    private boolean closed;

    DopplerSubscription(DopplerConnector connector, String pathAndQuery, LinkFrames frames) {
        this.connector = connector;
        this.pathAndQuery = pathAndQuery;
        this.frames = frames;
    }

    /** The link state for one Doppler. Guarded by the subscription. */
    static final class Slot {
        final DopplerAddress address;
        DopplerLink link;
        /** Where a re-dial resumes (LinkSequence); null for the first dial. */
        String resume;
        int failures;
        boolean stopped;
        ScheduledFuture<?> retry;

        Slot(DopplerAddress address) {
            this.address = address;
        }
    }

    void start() {
        connector.directory().addListener(this);
        dopplersChanged(connector.directory().current());
    }

    @Override
    public synchronized void dopplersChanged(Set<DopplerAddress> dopplers) {
        if (closed) {
            return;
        }
        for (DopplerAddress address : dopplers) {
            if (!slots.containsKey(address)) {
                Slot slot = new Slot(address);
                slots.put(address, slot);
                dial(slot);
            }
        }
        slots.values().removeIf(slot -> {
            if (dopplers.contains(slot.address)) {
                return false;
            }
            stop(slot);
            return true;
        });
    }

    private synchronized void dial(Slot slot) {
        if (closed || slot.stopped) {
            return;
        }
        String uri = slot.address.base("ws") + pathAndQuery;
        if (slot.resume != null) {
            uri += (pathAndQuery.contains("?") ? "&" : "?") + LinkSequence.RESUME_PARAMETER + "="
                    + java.net.URLEncoder.encode(slot.resume, java.nio.charset.StandardCharsets.UTF_8);
        }
        DopplerLink link = new DopplerLink(java.net.URI.create(uri), connector.credentials().headers(), this, slot, frames,
                slot.resume != null);
        slot.link = link;
        slot.retry = null;
        connector.opened(link);
        link.connect(connector.loops());
    }

    synchronized void linkOpened(Slot slot, DopplerLink link) {
        if (slot.link == link) {
            if (slot.failures > 0) {
                LOG.info("reconnected to Doppler {} for {}", slot.address, pathAndQuery);
            }
            slot.failures = 0;
            frames.opened(link);
        }
    }

    /**
     * Sends a text frame on every open link. Under the subscription's lock, like
     * {@link LinkFrames#opened}, so a link that opens meanwhile gets the message either there or here.
     */
    public synchronized void sendToOpenLinks(String text) {
        for (Slot slot : slots.values()) {
            DopplerLink link = slot.link;
            // A link closed just now is re-dialled and told again when it opens.
            if (link != null) {
                link.send(text);
            }
        }
    }

    synchronized void linkClosed(Slot slot, DopplerLink link, int code, String reason) {
        connector.closed(link);
        if (closed || slot.stopped || slot.link != link || connector.closing()) {
            return;
        }
        slot.link = null;
        slot.failures++;
        // Whatever this Doppler took while the link was down is asked for again on the next one.
        String point = link.resumePoint();
        slot.resume = point != null ? point : slot.resume != null ? slot.resume : UNKNOWN_INCARNATION;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(slot.failures - 1, 10));
        long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        if (slot.failures == 1) {
            LOG.info("link to Doppler {} for {} closed ({} {}); re-dialling", slot.address, pathAndQuery, code, reason);
        }
        connector.reconnecting();
        slot.retry = connector.scheduler().schedule(() -> dial(slot), delay, TimeUnit.MILLISECONDS);
    }

    void malformedBatch() {
        connector.malformedBatch();
    }

    private void stop(Slot slot) {
        slot.stopped = true;
        if (slot.retry != null) {
            slot.retry.cancel(false);
        }
        if (slot.link != null) {
            DopplerLink link = slot.link;
            slot.link = null;
            connector.closed(link);
            link.close();
        }
    }

    /** Closes every link; no reconnects follow. */
    @Override
    public void close() {
        connector.directory().removeListener(this);
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            slots.values().forEach(this::stop);
            slots.clear();
        }
    }
}
