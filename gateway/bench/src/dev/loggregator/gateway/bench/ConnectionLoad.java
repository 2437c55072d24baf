package dev.loggregator.gateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection-setup load, the part of a proxy's cost that log clients feel in reconnect storms:
 * <ul>
 * <li>saturation: N clients each connecting, upgrading to WebSocket and closing, one after the
 * other as fast as they can, for a fixed time: handshakes per second (and the proxy's CPU per
 * handshake, measured by the caller);</li>
 * <li>storm: M WebSocket connections opened all at once (non-blocking connects from one thread,
 * as many clients reconnecting when their server went away) and held: the time until the last one
 * got its 101, and how many failed (refused, reset, closed, anything but a 101).</li>
 * </ul>
 */
final class ConnectionLoad {
    private ConnectionLoad() {
    }

    static byte[] upgradeRequest(int port, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    record Saturation(long handshakes, long failures) {
    }

    /** {@code clients} threads, each: connect, upgrade, wait for the 101, close; repeated for {@code seconds}. */
    static Saturation saturate(int port, int clients, double seconds) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        byte[] request = upgradeRequest(port, "/hs");
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (!stop.get()) {
                    try (SocketChannel channel = SocketChannel.open()) {
                        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        channel.connect(new InetSocketAddress("127.0.0.1", port));
                        channel.write(ByteBuffer.wrap(request));
                        buffer.clear();
                        if (readHead(channel, buffer)) {
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            }, "saturation-" + i);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        return new Saturation(done.get(), failed.get());
    }

    /** Reads a response head; true for a 101. */
    private static boolean readHead(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (true) {
            if (channel.read(buffer) < 0) {
                return false;
            }
            byte[] a = buffer.array();
            for (int i = 3; i < buffer.position(); i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    return a.length > 12 && new String(a, 0, 12, StandardCharsets.US_ASCII).equals("HTTP/1.1 101");
                }
            }
        }
    }

    record Storm(int opened, int failed, double seconds) {
    }

    /** Opens {@code count} WebSocket connections at once and waits (at most {@code timeoutSeconds}) until each got its answer. */
    static Storm storm(int port, int count, double timeoutSeconds) throws IOException {
        byte[] request = upgradeRequest(port, "/hs");
        List<SocketChannel> channels = new ArrayList<>(count);
        int opened = 0;
        int failed = 0;
        long start = System.nanoTime();
        long last = start;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channels.add(channel);
                try {
                    channel.connect(new InetSocketAddress("127.0.0.1", port));
                    channel.register(selector, SelectionKey.OP_CONNECT, ByteBuffer.allocate(1024));
                } catch (IOException e) {
                    failed++;
                }
            }
            long deadline = start + (long) (timeoutSeconds * 1e9);
            while (opened + failed < count && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    ByteBuffer buffer = (ByteBuffer) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            channel.finishConnect();
                            channel.write(ByteBuffer.wrap(request));
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            if (channel.read(buffer) < 0) {
                                throw new IOException("closed before the answer");
                            }
                            int end = headEnd(buffer);
                            if (end >= 0) {
                                key.cancel();
                                if (new String(buffer.array(), 0, 12, StandardCharsets.US_ASCII).equals("HTTP/1.1 101")) {
                                    opened++;
                                    last = System.nanoTime();
                                } else {
                                    failed++;
                                }
                            }
                        }
                    } catch (IOException e) {
                        key.cancel();
                        failed++;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
        return new Storm(opened, count - opened, (last - start) / 1e9);
    }

    private static int headEnd(ByteBuffer buffer) {
        byte[] a = buffer.array();
        for (int i = 3; i < buffer.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }
}
