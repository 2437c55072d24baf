package dev.loggregator.doppler.drains.transport;

import dev.loggregator.doppler.drains.format.MessageBuffer;
import dev.loggregator.doppler.drains.format.SyslogFormatter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@code syslog://} and {@code syslog-tls://}: one long-lived TCP (or TLS) connection carrying
 * RFC 6587 octet-counted messages ({@code <length> <message>}, the length counting the message's
 * trailing newline), as the agent's {@code tcp.go} writes them. Messages are packed into buffers of
 * up to 64 KiB and flushed once per pump. A failed connection attempt is told to the app
 * ({@code Failed to connect to <url>}) and retried with the agent's capped exponential backoff
 * while envelopes wait in the drain's queue; messages lost with a broken connection are counted as
 * dropped. A receiver that takes nothing for {@code write_timeout_ms} is treated as broken.
 */
final class SyslogStreamWriter implements DrainWriter {
    private static final int BATCH_BYTES = 64 * 1024;
    private static final int PUMP_BYTES = 1 << 20;
    /** A connection that lasted this long was a working one: the next failure starts the backoff afresh. */
    private static final long STEADY_CONNECTION_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Outbox outbox;
    private final DrainEndpoint endpoint;
    private final WriterSettings settings;
    private final DrainStats stats;
    private final Runnable onConnectFailure;
    private final Backoff backoff;
    private final SyslogFormatter.Messages framer = this::frame;
    private DrainState state = DrainState.IDLE;
    private Channel channel;
    private long connectedAtNanos;
    private boolean closingQuietly;
    private Throwable failure;
    private ByteBuf batch;
    private ScheduledFuture<?> stallCheck;
    private long writabilityChanges;

    SyslogStreamWriter(Outbox outbox, DrainEndpoint endpoint, WriterSettings settings, DrainStats stats,
                       Runnable onConnectFailure) {
        this.outbox = outbox;
        this.endpoint = endpoint;
        this.settings = settings;
        this.stats = stats;
        this.onConnectFailure = onConnectFailure;
        this.backoff = new Backoff(settings.maxBackoffMs());
    }

    @Override
    public void pump() {
        if (state == DrainState.IDLE && !outbox.isEmpty()) {
            connect();
        } else if (state == DrainState.CONNECTED) {
            write();
        }
    }

    private void setState(DrainState next) {
        state = next;
        stats.state(next);
    }

    private void connect() {
        setState(DrainState.CONNECTING);
        DrainDialer.dial(outbox.loop(), endpoint, settings.connectTimeoutMs(),
                pipeline -> pipeline.addLast("drain", new StreamHandler())).addListener(this::connected);
    }

    private void connected(Future<? super Channel> done) {
        if (state == DrainState.CLOSED) {
            if (done.isSuccess()) {
                ((Channel) done.getNow()).close();
            }
            return;
        }
        if (!done.isSuccess()) {
            stats.error("cannot connect: " + DrainDialer.describe(done.cause()));
            onConnectFailure.run();
            backOff();
            return;
        }
        channel = (Channel) done.getNow();
        connectedAtNanos = System.nanoTime();
        failure = null;
        setState(DrainState.CONNECTED);
        if (!channel.isActive()) {
            lost(channel); // closed between the handshake and now
            return;
        }
        write();
    }

    private void backOff() {
        setState(DrainState.BACKING_OFF);
        outbox.loop().schedule(() -> {
            if (state == DrainState.BACKING_OFF) {
                setState(DrainState.IDLE);
                pump();
            }
        }, backoff.nextMillis(), TimeUnit.MILLISECONDS);
    }

    private void write() {
        int budget = PUMP_BYTES;
        boolean wrote = false;
        boolean empty = false;
        while (budget > 0 && channel.isWritable() && !empty) {
            batch = channel.alloc().ioBuffer(4096);
            int messages = 0;
            while (batch.readableBytes() < BATCH_BYTES) {
                int n = outbox.next(framer);
                if (n < 0) {
                    empty = true;
                    break;
                }
                messages += n;
            }
            ByteBuf full = batch;
            batch = null;
            if (messages == 0) {
                full.release();
                continue;
            }
            budget -= full.readableBytes();
            int count = messages;
            channel.write(full).addListener(written -> {
                if (written.isSuccess()) {
                    stats.sent(count);
                } else {
                    stats.dropped(count);
                }
            });
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (!empty) {
            if (channel.isWritable()) {
                outbox.schedule(); // budget used up: let the loop serve other drains first
            } else {
                watchForStall();
            }
        }
    }

    /** RFC 6587 octet counting: the decimal length, a space, the message. */
    private void frame(MessageBuffer message) {
        int length = message.length();
        int digits = 1;
        for (int rest = length / 10; rest > 0; rest /= 10) {
            digits++;
        }
        batch.ensureWritable(digits + 1 + length);
        int at = batch.writerIndex();
        for (int i = digits - 1, rest = length; i >= 0; i--, rest /= 10) {
            batch.setByte(at + i, '0' + rest % 10);
        }
        batch.writerIndex(at + digits);
        batch.writeByte(' ');
        batch.writeBytes(message.array(), 0, length);
    }

    /** A receiver that takes nothing for write_timeout_ms is broken: close, count, reconnect. */
    private void watchForStall() {
        if (stallCheck != null) {
            return;
        }
        Channel watched = channel;
        long changes = writabilityChanges;
        stallCheck = outbox.loop().schedule(() -> {
            stallCheck = null;
            if (watched != channel || watched.isWritable()) {
                return;
            }
            if (changes == writabilityChanges) {
                failure = new IOException("write timeout: the receiver took nothing for " + settings.writeTimeoutMs() + " ms");
                watched.close();
            } else {
                watchForStall();
            }
        }, settings.writeTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void lost(Channel closed) {
        if (closed != channel) {
            return;
        }
        channel = null;
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
        if (state == DrainState.CLOSED) {
            return;
        }
        if (closingQuietly) {
            closingQuietly = false;
            setState(DrainState.IDLE);
            pump();
            return;
        }
        stats.error(failure != null ? DrainDialer.describe(failure) : "connection closed by the receiver");
        failure = null;
        if (System.nanoTime() - connectedAtNanos >= STEADY_CONNECTION_NANOS) {
            backoff.reset();
        }
        backOff();
    }

    @Override
    public void closeIfIdle() {
        if (state == DrainState.CONNECTED && outbox.isEmpty() && !busy()) {
            closingQuietly = true;
            channel.close();
        }
    }

    @Override
    public void flush() {
        pump();
    }

    @Override
    public void shutdown() {
        setState(DrainState.CLOSED);
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public boolean busy() {
        if (channel == null || !channel.isActive()) {
            return false;
        }
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() > 0;
    }

    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // a syslog receiver has nothing to say
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writabilityChanges++;
            if (ctx.channel().isWritable() && ctx.channel() == channel) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            ctx.close();
        }
    }
}
