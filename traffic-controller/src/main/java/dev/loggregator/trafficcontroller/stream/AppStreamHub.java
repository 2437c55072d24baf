package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.DopplerQueries;
import dev.loggregator.trafficcontroller.dopplers.DopplerSubscription;
import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * App streams of the same app on this Traffic Controller share one Doppler subscription: every
 * app-stream subscriber receives every envelope of its app (no sharding), so one upstream per app
 * fanned out locally delivers exactly what a subscription per client would, at a fraction of the
 * connections and threads (a Java-WebSocket link costs two threads and a 16 KiB buffer).
 * Firehose clients are not shared: each must be its own member of the Dopplers' shard group.
 */
public final class AppStreamHub {
    /**
     * One app's stream is a small share of a Doppler's traffic: 8 KiB (40 typical envelopes per
     * read) instead of Java-WebSocket's 64 KiB keeps an idle app stream's upstream small.
     */
    static final int APP_LINK_READ_BUFFER_BYTES = 8 * 1024;

    private final DopplerConnector connector;
    private final Map<String, SharedAppStream> streams = new HashMap<>();

    public AppStreamHub(DopplerConnector connector) {
        this.connector = connector;
    }

    /** Adds {@code client} to the app's stream; closing the result removes it (and the upstream with the last client). */
    public AutoCloseable join(String appId, EnvelopeSink client) {
        SharedAppStream stream;
        synchronized (this) {
            stream = streams.get(appId);
            if (stream == null) {
                stream = new SharedAppStream();
                streams.put(appId, stream);
                stream.add(client);
                stream.subscription = connector.subscribe("/apps/" + DopplerQueries.encode(appId) + "/stream", stream,
                        APP_LINK_READ_BUFFER_BYTES);
            } else {
                stream.add(client);
            }
        }
        SharedAppStream joined = stream;
        return () -> leave(appId, joined, client);
    }

    private void leave(String appId, SharedAppStream stream, EnvelopeSink client) {
        DopplerSubscription toClose = null;
        synchronized (this) {
            if (stream.remove(client) && streams.get(appId) == stream) {
                streams.remove(appId);
                toClose = stream.subscription;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    private static final class SharedAppStream implements EnvelopeSink {
        private volatile EnvelopeSink[] clients = new EnvelopeSink[0];
        private DopplerSubscription subscription;

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
