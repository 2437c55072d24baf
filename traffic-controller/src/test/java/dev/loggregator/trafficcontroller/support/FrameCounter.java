package dev.loggregator.trafficcontroller.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many WebSocket consumers on one thread: upgrades connections by hand, then counts binary frames
 * without decoding them and answers pings with (masked) pongs, as a well-behaved nozzle does. The
 * measuring instrument for the benchmark and the idle-stream soak, where a library client per
 * connection would cost a thread (or two) each and distort the numbers.
 */
public final class FrameCounter implements AutoCloseable {
    private static final byte[] PONG = {(byte) 0x8A, (byte) 0x80, 0, 0, 0, 0};

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong framesOfSize = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final int countedSize;
    private final int bufferBytes;
    private volatile boolean running = true;

    /**
     * {@code countedSize}: frames with exactly this payload length are also counted separately (-1: none);
     * {@code bufferBytes}: read buffer per connection (small for thousands of idle ones).
     */
    public FrameCounter(int countedSize, int bufferBytes) {
        this.countedSize = countedSize;
        this.bufferBytes = bufferBytes;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::run, "frame-counter");
        thread.setDaemon(true);
        thread.start();
    }

    /** Opens and upgrades one connection (blocking), then hands it to the counting thread. */
    public void connect(int port, String path) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.socket().setSoTimeout(30_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        // Read the response head byte by byte so no frame bytes are consumed here.
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("closed during handshake: " + head);
            }
            head.append((char) one.get(0));
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            channel.close();
            throw new IOException("upgrade refused: " + head.substring(0, head.indexOf("\r\n")));
        }
        channel.configureBlocking(false);
        incoming.add(channel);
        open.incrementAndGet();
        selector.wakeup();
    }

    private void run() {
        try {
            while (running) {
                selector.select(100);
                SocketChannel added;
                while ((added = incoming.poll()) != null) {
                    added.register(selector, SelectionKey.OP_READ, new Connection(bufferBytes));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isReadable()) {
                        read(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Connection {
        final ByteBuffer buffer;
        long skip;

        Connection(int bufferBytes) {
            buffer = ByteBuffer.allocate(bufferBytes);
        }
    }

    private void read(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Connection c = (Connection) key.attachment();
        try {
            int n = channel.read(c.buffer);
            if (n < 0) {
                end(key);
                return;
            }
            c.buffer.flip();
            parse(channel, c, key);
            c.buffer.compact();
        } catch (IOException e) {
            end(key);
        }
    }

    private void parse(SocketChannel channel, Connection c, SelectionKey key) throws IOException {
        ByteBuffer b = c.buffer;
        while (true) {
            if (c.skip > 0) {
                int step = (int) Math.min(c.skip, b.remaining());
                b.position(b.position() + step);
                c.skip -= step;
                if (c.skip > 0) {
                    return;
                }
            }
            if (b.remaining() < 2) {
                return;
            }
            int start = b.position();
            int opcode = b.get(start) & 0x0F;
            int len7 = b.get(start + 1) & 0x7F;
            int headerLength = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
            if (b.remaining() < headerLength) {
                return;
            }
            long payload = len7 == 126 ? (b.getShort(start + 2) & 0xFFFF) : len7 == 127 ? b.getLong(start + 2) : len7;
            b.position(start + headerLength);
            if (opcode == 2) {
                frames.incrementAndGet();
                if (payload == countedSize) {
                    framesOfSize.incrementAndGet();
                }
            } else if (opcode == 9) {
                channel.write(ByteBuffer.wrap(PONG));
            } else if (opcode == 8) {
                end(key);
                return;
            }
            c.skip = payload;
        }
    }

    private void end(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.decrementAndGet();
        closed.incrementAndGet();
    }

    public long frames() {
        return frames.get();
    }

    public long framesOfSize() {
        return framesOfSize.get();
    }

    public int openConnections() {
        return open.get();
    }

    public int closedConnections() {
        return closed.get();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            SocketChannel pending;
            while ((pending = incoming.poll()) != null) {
                pending.close();
            }
            selector.close();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
