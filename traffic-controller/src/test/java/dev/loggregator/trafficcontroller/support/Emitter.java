package dev.loggregator.trafficcontroller.support;

import dev.loggregator.wire.framing.LengthPrefix;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An agent-like producer for benchmarks: one TCP connection to a Doppler's v1 ingress, writing
 * pre-framed envelopes (cycling through {@code envelopes}) at a paced rate, many per write.
 */
public final class Emitter implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final Socket socket = new Socket();
    private volatile long ratePerSecond;
    private volatile boolean running = true;

    public Emitter(int port, List<byte[]> envelopes, long ratePerSecond) throws IOException {
        this.ratePerSecond = ratePerSecond;
        socket.setSendBufferSize(1 << 20);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        byte[][] framed = envelopes.stream().map(LengthPrefix::frame).toArray(byte[][]::new);
        thread = new Thread(() -> run(framed), "emitter-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(byte[][] framed) {
        byte[] chunk = new byte[256 * 1024];
        int next = 0;
        try {
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            long startSent = 0;
            long rateAtStart = ratePerSecond;
            while (running) {
                if (ratePerSecond != rateAtStart) {
                    start = System.nanoTime();
                    startSent = sent.get();
                    rateAtStart = ratePerSecond;
                }
                long due = (System.nanoTime() - start) * rateAtStart / 1_000_000_000L - (sent.get() - startSent);
                if (due <= 0) {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                    continue;
                }
                int length = 0;
                int count = 0;
                while (count < due && length + framed[next].length <= chunk.length) {
                    System.arraycopy(framed[next], 0, chunk, length, framed[next].length);
                    length += framed[next].length;
                    next = (next + 1) % framed.length;
                    count++;
                }
                out.write(chunk, 0, length);
                sent.addAndGet(count);
            }
            out.flush();
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException("emitter lost its Doppler", e);
            }
        }
    }

    public void rate(long perSecond) {
        ratePerSecond = perSecond;
    }

    public long sent() {
        return sent.get();
    }

    /** Stops sending (what was written is flushed) and closes the connection. */
    @Override
    public void close() throws IOException {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
