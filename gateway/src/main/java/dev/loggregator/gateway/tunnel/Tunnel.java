package dev.loggregator.gateway.tunnel;

import dev.loggregator.gateway.admin.GatewayMetrics;
import dev.loggregator.gateway.routing.Backend;
import dev.loggregator.manifest.GatewaySection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw two-way byte relay between a client and a backend connection, used after a WebSocket
 * handshake's 101 and for TCP-mode listeners. Both channels share one event loop, so the state
 * here is touched by one thread. No request timeout applies; the tunnel closes when either side
 * closes, after {@code tunnel_idle_ms} without a byte either way, or {@code half_close_ms} after
 * one side finished sending (its FIN is passed on to the other side first). A WebSocket tunnel is
 * followed frame by frame ({@link FrameBoundaries}) so that a draining gateway can end it at its
 * deadline with a Close frame both ways ({@link GoingAway}) rather than a cut connection.
 */
public final class Tunnel {
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.loggregator.gateway.access");

    private final Channel client;
    private final Channel backendChannel;
    private final Backend backend;
    private final GatewayMetrics metrics;
    private final String description;
    private final long idleNanos;
    private final long halfCloseMillis;
    private final long closeHandshakeMillis;
    /** What each side sent, frame by frame; null for TCP tunnels (their bytes mean nothing to the gateway). */
    private final FrameBoundaries fromClientFrames;
    private final FrameBoundaries fromBackendFrames;
    private GoingAway goingAway;
    private final long startNanos = System.nanoTime();
    private long lastActivityNanos = startNanos;
    private long fromClient;
    private long fromBackend;
    private boolean clientInputDone;
    private boolean backendInputDone;
    private boolean closed;
    private String closeReason;
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> halfCloseTimer;

    private Tunnel(Channel client, Channel backendChannel, Backend backend, GatewayMetrics metrics, String description,
            GatewaySection.Timeouts timeouts, boolean webSocket) {
        this.client = client;
        this.backendChannel = backendChannel;
        this.backend = backend;
        this.metrics = metrics;
        this.description = description;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(timeouts.tunnelIdleMs());
        this.halfCloseMillis = timeouts.halfCloseMs();
        this.closeHandshakeMillis = timeouts.websocketCloseMs();
        this.fromClientFrames = webSocket ? new FrameBoundaries() : null;
        this.fromBackendFrames = webSocket ? new FrameBoundaries() : null;
    }

    /**
     * Adds the relay stage at the end of both pipelines; the caller removes the stages that came
     * before (codecs) afterwards, and calls {@link #start()}. {@code backend} has already been
     * counted as one connection and is released when the tunnel closes. {@code webSocket}: the
     * bytes both ways are WebSocket frames (after a 101 to {@code Upgrade: websocket}).
     */
    public static Tunnel install(Channel client, Channel backendChannel, Backend backend, GatewayMetrics metrics,
            String description, GatewaySection.Timeouts timeouts, boolean webSocket) {
        Tunnel tunnel = new Tunnel(client, backendChannel, backend, metrics, description, timeouts, webSocket);
        client.pipeline().addLast("tunnel", new TunnelRelayHandler(tunnel, backendChannel, true, tunnel.fromClientFrames));
        backendChannel.pipeline().addLast("tunnel", new TunnelRelayHandler(tunnel, client, false, tunnel.fromBackendFrames));
        metrics.tunnelOpened();
        // The first side to close decides the reason; its peer is closed (after a last flush) with it.
        client.closeFuture().addListener(f -> tunnel.closed(true));
        backendChannel.closeFuture().addListener(f -> tunnel.closed(false));
        return tunnel;
    }

    /**
     * Removes every stage before the relay in {@code pipeline}, except TLS and those named in
     * {@code keep}, nearest to the relay first: a decoder being removed passes the bytes it still
     * buffers to the next stage, which must then be the relay.
     */
    public static void removeAllBefore(ChannelPipeline pipeline, Set<String> keep) {
        List<String> names = new ArrayList<>(pipeline.names());
        int relay = names.indexOf("tunnel");
        for (int i = relay - 1; i >= 0; i--) {
            ChannelHandler handler = pipeline.get(names.get(i));
            if (handler != null && !keep.contains(names.get(i)) && !(handler instanceof SslHandler)) {
                pipeline.remove(handler);
            }
        }
    }

    public void start() {
        scheduleIdleCheck(idleNanos);
        client.config().setAutoRead(true);
        backendChannel.config().setAutoRead(true);
        client.flush();
        backendChannel.flush();
        // A FIN that came before the tunnel (a client that ended its output right behind its
        // handshake) was taken by the HTTP stages: pass it on now, or the other side never learns.
        if (isInputShutdown(client)) {
            inputShutdown(true);
        }
        if (isInputShutdown(backendChannel)) {
            inputShutdown(false);
        }
    }

    private static boolean isInputShutdown(Channel channel) {
        return channel instanceof SocketChannel socket && socket.isInputShutdown();
    }

    void read(boolean clientSide, int bytes) {
        lastActivityNanos = System.nanoTime();
        if (clientSide) {
            fromClient += bytes;
        } else {
            fromBackend += bytes;
        }
    }

    /**
     * The drain deadline: a WebSocket tunnel gets a Close (1001) frame both ways, each at the end of
     * the frame in flight, and {@code websocket_close_ms} for the close handshake; a TCP tunnel,
     * one already half closed or one whose framing was lost is closed at once.
     */
    void goAway() {
        if (closed || goingAway != null) {
            return;
        }
        if (fromClientFrames == null || fromClientFrames.lost() || fromBackendFrames.lost() || clientInputDone || backendInputDone) {
            close("drain_deadline");
            return;
        }
        goingAway = new GoingAway(this, client, backendChannel, fromClientFrames, fromBackendFrames);
        client.eventLoop().schedule(() -> close("close_handshake_timeout"), closeHandshakeMillis, TimeUnit.MILLISECONDS);
        goingAway.start();
        client.config().setAutoRead(true);
        backendChannel.config().setAutoRead(true);
    }

    boolean goingAway() {
        return goingAway != null;
    }

    /** A read from one side after {@link #goAway()}: relayed up to the end of its frame, the rest only watched for a Close. */
    void readWhileGoingAway(boolean clientSide, ByteBuf buf) {
        goingAway.read(clientSide, buf);
    }

    /** One side sent FIN: pass it on once what it sent is flushed; close both if the other side is done too. */
    void inputShutdown(boolean clientSide) {
        if (goingAway != null) {
            // One side ended its close handshake (or gave up on it). The other keeps its time to
            // answer our Close: cut now, its connection would be reset with that Close maybe unread.
            FrameBoundaries other = clientSide ? fromBackendFrames : fromClientFrames;
            if (other.closeSeen() || other.lost()) {
                close("drain_deadline");
            }
            return;
        }
        if (clientSide) {
            clientInputDone = true;
        } else {
            backendInputDone = true;
        }
        if (clientInputDone && backendInputDone) {
            close(clientSide ? "client_finished" : "backend_finished");
            return;
        }
        Channel peer = clientSide ? backendChannel : client;
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (peer instanceof SocketChannel socket && socket.isActive()) {
                shutdownOutput(socket);
                // The peer's own FIN now ends the tunnel: Netty may then close that channel at
                // once instead of shutting down the input of a socket that is already closed both
                // ways (a failed system call and an exception with a stack trace per tunnel).
                socket.config().setAllowHalfClosure(false);
            }
        });
        if (halfCloseTimer == null) {
            halfCloseTimer = client.eventLoop().schedule(() -> close("half_close_timeout"), halfCloseMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends FIN. On epoll the socket is shut down directly: everything was flushed already, and
     * Netty's {@code shutdownOutput()} builds an exception with its stack trace every time (to fail
     * writes that cannot be queued here), a cost paid per tunnel.
     */
    private static void shutdownOutput(SocketChannel channel) {
        if (channel instanceof AbstractEpollStreamChannel epoll && epoll.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException e) {
                channel.close();
            }
        } else {
            channel.shutdownOutput();
        }
    }

    /**
     * This side's FIN was read ({@code channel} is this side). If the other side's FIN was passed on
     * to it already, the tunnel is complete and is closed here, before Netty would close the
     * channel itself, so that both sides are closed by {@link #closeNow}.
     */
    void finRead(boolean clientSide, Channel channel) {
        if (goingAway == null && !closed && channel instanceof SocketChannel socket && socket.isOutputShutdown()) {
            if (clientSide) {
                clientInputDone = true;
            } else {
                backendInputDone = true;
            }
            close(clientSide ? "client_finished" : "backend_finished");
        }
    }

    /** A side's channel closed: after the other side had finished sending, that is a normal end. */
    private void closed(boolean clientSide) {
        boolean otherFinished = clientSide ? backendInputDone : clientInputDone;
        if (otherFinished) {
            close(clientSide ? "client_finished" : "backend_finished");
        } else {
            close(clientSide ? "client_closed" : "backend_closed");
        }
    }

    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        closeReason = reason;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (halfCloseTimer != null) {
            halfCloseTimer.cancel(false);
        }
        closeSoon(client);
        closeSoon(backendChannel);
        backend.connectionClosed();
        metrics.tunnelClosed();
        metrics.tunnelBytes(fromClient, fromBackend);
        ACCESS.info("tunnel {} backend={} bytes_up={} bytes_down={} duration_ms={} close={}", description, backend,
                fromClient, fromBackend, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), closeReason);
    }

    private static void closeSoon(Channel channel) {
        if (!channel.isOpen()) {
            return; // closing a closed channel again would only fail its promise (and build an exception)
        }
        if (channel instanceof SocketChannel socket && socket.isOutputShutdown()) {
            // Our FIN went out already; a last flush would only fail (and build an exception).
            closeNow(channel);
        } else if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> closeNow(channel));
        } else {
            channel.close();
        }
    }

    /**
     * On epoll (without TLS, whose close_notify still has to be written) the socket is closed
     * before Netty closes the channel: Netty then skips its SO_LINGER read and its EPOLL_CTL_DEL
     * (the kernel drops a closed socket from the epoll set itself), two system calls per side.
     */
    private static void closeNow(Channel channel) {
        if (channel instanceof AbstractEpollStreamChannel epoll && channel.isOpen() && channel.eventLoop().inEventLoop()
                && channel.pipeline().get(SslHandler.class) == null) {
            try {
                epoll.fd().close();
            } catch (IOException e) {
                // Closed all the same: close(2) releases the descriptor even when it reports an error.
            }
        }
        channel.close();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = client.eventLoop().schedule(() -> {
            long idleFor = System.nanoTime() - lastActivityNanos;
            if (idleFor >= idleNanos) {
                close("idle_timeout");
            } else {
                scheduleIdleCheck(idleNanos - idleFor);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }
}
