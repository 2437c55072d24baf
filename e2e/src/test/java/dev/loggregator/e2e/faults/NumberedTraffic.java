package dev.loggregator.e2e.faults;

import dev.loggregator.e2e.ingress.V2Envelopes;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.ManagedChannelBuilder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * A steady stream of numbered log lines from several apps, sent as agents send them: batches over
 * the v2 gRPC ingress ({@code loggregator.v2.Ingress/Send}, whose answer says the batch was accepted),
 * each app to its home Doppler (app i to Doppler i mod n) and, when that call fails, at once to the
 * next Doppler, as an agent fails over. The line of number n of app a is {@code fault <n>}. Every
 * accepted batch goes into the {@link Ledger}; a batch no Doppler accepted is offered again.
 */
final class NumberedTraffic implements AutoCloseable {
    static final String PREFIX = "fault ";
    private static final long CALL_DEADLINE_MILLIS = 2000;

    private final Ledger ledger;
    private final List<ManagedChannel> dopplers = new ArrayList<>();
    private final long tickNanos;
    private final int perBatch;
    private final List<Thread> senders = new ArrayList<>();
    private final AtomicLong failedCalls = new AtomicLong();
    private volatile boolean running = true;

    /** {@code perSecond} envelopes per app, in batches every 20 ms. */
    NumberedTraffic(Ledger ledger, List<InetSocketAddress> ingress, int perSecond) {
        this.ledger = ledger;
        for (InetSocketAddress address : ingress) {
            dopplers.add(ManagedChannelBuilder.forAddress(address.getHostString(), address.getPort()).usePlaintext().build());
        }
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(20);
        this.perBatch = Math.max(1, perSecond / 50);
        for (int app = 0; app < ledger.apps(); app++) {
            int index = app;
            Thread sender = new Thread(() -> send(index), "traffic " + ledger.app(app));
            sender.setDaemon(true);
            senders.add(sender);
        }
    }

    void start() {
        senders.forEach(Thread::start);
    }

    /** Calls refused or failed (then sent to another Doppler or offered again). */
    long failedCalls() {
        return failedCalls.get();
    }

    private void send(int app) {
        String appId = ledger.app(app);
        int home = app % dopplers.size();
        int next = 0;
        long due = System.nanoTime();
        while (running) {
            List<Envelope> batch = new ArrayList<>(perBatch);
            long millis = System.currentTimeMillis();
            for (int n = next; n < next + perBatch; n++) {
                // A timestamp of its own per line (batches are 20 ms apart), so Log Cache reads page exactly.
                batch.add(V2Envelopes.log(appId, "0", "APP/PROC/WEB", Log.Type.OUT, PREFIX + n,
                        millis * 1_000_000L + n % 1_000_000));
            }
            EnvelopeBatch request = EnvelopeBatch.newBuilder().addAllBatch(batch).build();
            for (int attempt = 0; attempt < dopplers.size(); attempt++) {
                int doppler = (home + attempt) % dopplers.size();
                if (sent(doppler, request)) {
                    ledger.accepted(app, next, next + perBatch, doppler, System.nanoTime());
                    next += perBatch;
                    break;
                }
            }
            due += tickNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // the pace of the stream
            } else {
                due = System.nanoTime();
            }
        }
    }

    private boolean sent(int doppler, EnvelopeBatch request) {
        ManagedChannel channel = dopplers.get(doppler);
        try {
            IngressGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS).send(request);
            return true;
        } catch (StatusRuntimeException e) {
            failedCalls.incrementAndGet();
            // An agent reconnects to a Doppler that comes back at once, not after gRPC's growing backoff.
            channel.resetConnectBackoff();
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread sender : senders) {
            try {
                sender.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ManagedChannel channel : dopplers) {
            channel.shutdownNow();
        }
    }
}
