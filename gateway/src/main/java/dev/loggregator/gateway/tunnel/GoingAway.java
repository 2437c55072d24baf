package dev.loggregator.gateway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * How a draining gateway ends a WebSocket tunnel at its deadline: each direction is relayed to the
 * end of the frame in flight (a frame cut in half would corrupt the stream) and cut there; the
 * receiving side then gets a Close frame with status 1001, unless the sender's own Close was the
 * last frame relayed. What a sender sends after the cut is dropped, but watched for its Close in
 * reply. Once both sides have sent their Close, the tunnel closes; if that takes longer than
 * {@code websocket_close_ms}, the {@link Tunnel} closes it anyway. Runs on the tunnel's event loop.
 */
final class GoingAway {
    private final Tunnel tunnel;
    private final Channel client;
    private final Channel backend;
    private final FrameBoundaries fromClient;
    private final FrameBoundaries fromBackend;
    private boolean fromClientCut;
    private boolean fromBackendCut;

    GoingAway(Tunnel tunnel, Channel client, Channel backend, FrameBoundaries fromClient, FrameBoundaries fromBackend) {
        this.tunnel = tunnel;
        this.client = client;
        this.backend = backend;
        this.fromClient = fromClient;
        this.fromBackend = fromBackend;
    }

    void start() {
        if (fromBackend.atBoundary()) {
            cut(false);
        }
        if (fromClient.atBoundary()) {
            cut(true);
        }
        client.flush();
        backend.flush();
        closeIfDone();
    }

    void read(boolean clientSide, ByteBuf buf) {
        FrameBoundaries frames = clientSide ? fromClient : fromBackend;
        if (!(clientSide ? fromClientCut : fromBackendCut)) {
            Channel peer = clientSide ? backend : client;
            int rest = frames.scanToBoundary(buf);
            if (rest > 0) {
                peer.write(buf.retainedSlice(buf.readerIndex(), rest), peer.voidPromise());
                buf.skipBytes(rest);
            }
            if (frames.atBoundary()) {
                cut(clientSide);
            }
            peer.flush();
        }
        if (buf.isReadable()) {
            frames.scan(buf); // past the cut: only the sender's own Close matters now
        }
        buf.release();
        closeIfDone();
    }

    /** Stops relaying from one side; its peer gets our Close unless the side's own Close was relayed. */
    private void cut(boolean clientSide) {
        if (clientSide) {
            fromClientCut = true;
            if (!fromClient.closeSeen()) {
                backend.write(GoingAwayFrames.toBackend(backend.alloc()), backend.voidPromise());
            }
        } else {
            fromBackendCut = true;
            if (!fromBackend.closeSeen()) {
                client.write(GoingAwayFrames.toClient(client.alloc()), client.voidPromise());
            }
        }
    }

    private void closeIfDone() {
        if (fromClient.lost() || fromBackend.lost()
                || (fromClientCut && fromBackendCut && fromClient.closeSeen() && fromBackend.closeSeen())) {
            tunnel.close("drain_deadline");
        }
    }
}
