package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Copies bytes both ways between two connected channels (TCP or Unix domain) until both
 * directions have ended, then closes both. A half-close is passed on as a half-close; an error on
 * either side aborts both (a TCP side is reset, as the peer of a killed process would see it).
 * Every chunk waits {@code delay} before it is written, which emulates a slow link: a reader thread
 * takes chunks as they come and a writer thread writes each when it is due, at most
 * {@value #MAX_IN_FLIGHT} bytes held per direction (beyond that the reader waits, as a full TCP window would).
 */
final class Splice {
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_IN_FLIGHT = 4 * 1024 * 1024;
    private static final byte[] END = new byte[0];

    private final SocketChannel a;
    private final SocketChannel b;
    private final Supplier<Duration> delay;
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClose;

    private record Chunk(byte[] bytes, long dueNanos) {
    }

    private Splice(SocketChannel a, SocketChannel b, Supplier<Duration> delay, Runnable onClose) {
        this.a = a;
        this.b = b;
        this.delay = delay;
        this.onClose = onClose;
    }

    /** Starts copying; {@code onClose} runs once both channels are closed. */
    static void start(String name, SocketChannel a, SocketChannel b, Supplier<Duration> delay, Runnable onClose) {
        Splice splice = new Splice(a, b, delay, onClose);
        splice.direction(name + " >", a, b);
        splice.direction(name + " <", b, a);
    }

    private void direction(String name, SocketChannel from, SocketChannel to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Semaphore room = new Semaphore(MAX_IN_FLIGHT);
        Thread reader = new Thread(() -> read(from, queue, room), name + " read");
        Thread writer = new Thread(() -> write(to, queue, room), name + " write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void read(SocketChannel from, BlockingQueue<Chunk> queue, Semaphore room) {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                buffer.clear();
                while (!room.tryAcquire(bytes.length, 1, TimeUnit.SECONDS)) {
                    if (closed.get()) {
                        return;
                    }
                }
                queue.add(new Chunk(bytes, System.nanoTime() + delay.get().toNanos()));
            }
            queue.add(new Chunk(END, System.nanoTime() + delay.get().toNanos()));
        } catch (IOException | InterruptedException e) {
            abort();
        }
    }

    private void write(SocketChannel to, BlockingQueue<Chunk> queue, Semaphore room) {
        try {
            while (true) {
                Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                if (chunk == null) {
                    if (closed.get()) {
                        return;
                    }
                    continue;
                }
                long wait;
                while ((wait = chunk.dueNanos - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait); // the emulated link's latency
                }
                if (chunk.bytes == END) {
                    to.shutdownOutput();
                    if (directionsOpen.decrementAndGet() == 0) {
                        close(false);
                    }
                    return;
                }
                ByteBuffer buffer = ByteBuffer.wrap(chunk.bytes);
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                room.release(chunk.bytes.length);
            }
        } catch (IOException | InterruptedException e) {
            abort();
        }
    }

    private void abort() {
        close(true);
    }

    private void close(boolean reset) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (SocketChannel channel : new SocketChannel[] {a, b}) {
            try {
                if (reset && channel.isOpen() && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            } catch (IOException e) {
                // Closing anyway.
            }
            try {
                channel.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        onClose.run();
    }
}
