package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.DopplerLink;
import dev.loggregator.trafficcontroller.dopplers.DopplerSubscription;
import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import dev.loggregator.trafficcontroller.dopplers.LinkFrames;
import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every app stream of this Traffic Controller travels on one multiplexed link per Doppler
 * ({@code /app-streams}, docs/internal-protocol.md): the first client of an app makes every link
 * follow the app, the last one to leave unfollows it, and each tagged frame is fanned out to the
 * app's clients. Every app-stream subscriber receives every envelope of its app (no sharding), so
 * this delivers exactly what a connection per client would, without a link (a channel and its
 * buffers) per app per Doppler. Firehose clients are not shared: each must be
 * its own member of the Dopplers' shard group.
 */
public final class AppStreamHub implements LinkFrames {
    private final Map<String, SharedAppStream> streams = new ConcurrentHashMap<>();
    private final int maxEnvelopeBytes;
    private final DopplerSubscription links;

    public AppStreamHub(DopplerConnector connector) {
        this.maxEnvelopeBytes = connector.maxEnvelopeBytes();
        this.links = connector.subscribe(AppStreamMultiplex.PATH, this);
    }

    /** Adds {@code client} to the app's stream; closing the result removes it (and unfollows the app with the last client). */
    public AutoCloseable join(String appId, EnvelopeSink client) {
        SharedAppStream stream;
        synchronized (this) {
            stream = streams.get(appId);
            if (stream == null) {
                stream = new SharedAppStream();
                streams.put(appId, stream);
                links.sendToOpenLinks(AppStreamMultiplex.subscribe(appId));
            }
            stream.add(client);
        }
        SharedAppStream joined = stream;
        return () -> leave(appId, joined, client);
    }

    private synchronized void leave(String appId, SharedAppStream stream, EnvelopeSink client) {
        if (stream.remove(client) && streams.get(appId) == stream) {
            streams.remove(appId);
            links.sendToOpenLinks(AppStreamMultiplex.unsubscribe(appId));
        }
    }

    /** A (re)connected link follows every app that has clients. */
    @Override
    public void opened(DopplerLink link) {
        for (String appId : streams.keySet()) {
            if (!link.send(link.resumed() ? AppStreamMultiplex.resume(appId) : AppStreamMultiplex.subscribe(appId))) {
                return; // closed already: it is re-dialled and told again when it opens
            }
        }
    }

    @Override
    public void frame(ByteBuffer frame) {
        String appId = AppStreamMultiplex.readTag(frame);
        List<byte[]> envelopes = EnvelopeBatch.decode(frame, maxEnvelopeBytes);
        SharedAppStream stream = streams.get(appId);
        // No stream: its last client left while the frame was on its way.
        if (stream != null && !envelopes.isEmpty()) {
            stream.deliver(envelopes);
        }
    }

    private static final class SharedAppStream implements EnvelopeSink {
        private volatile EnvelopeSink[] clients = new EnvelopeSink[0];

        void add(EnvelopeSink client) {
            EnvelopeSink[] next = Arrays.copyOf(clients, clients.length + 1);
            next[clients.length] = client;
            clients = next;
        }

        /** Returns true when the last client left. */
        boolean remove(EnvelopeSink client) {
            EnvelopeSink[] now = clients;
            for (int i = 0; i < now.length; i++) {
                if (now[i] == client) {
                    EnvelopeSink[] next = new EnvelopeSink[now.length - 1];
                    System.arraycopy(now, 0, next, 0, i);
                    System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                    clients = next;
                    break;
                }
            }
            return clients.length == 0;
        }

        @Override
        public void deliver(List<byte[]> envelopes) {
            for (EnvelopeSink client : clients) {
                client.deliver(envelopes);
            }
        }
    }
}
