package dev.loggregator.gateway.handover;

import dev.loggregator.manifest.GatewaySection;
import dev.loggregator.manifest.Manifest;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running gateway hands its listening sockets to the gateway process that replaces it
 * ({@code gateway.handover_socket}), and the little that both sides of the hand-over share: the
 * commands, and the rule that only a process of the same user may take part (the socket file is
 * owner-only as well).
 */
public final class HandoverSocket {
    /** Successor to incumbent: send me your listening sockets (they come back as file descriptors, then the connection closes). */
    static final String LISTENERS = "LISTENERS";
    /** Successor to incumbent: I accept on them now; stop accepting and free the admin port. */
    static final String LISTENING = "LISTENING";
    /** Incumbent to successor: done, the ports are yours. */
    static final String RELEASED = "RELEASED";

    private HandoverSocket() {
    }

    /**
     * The socket path of this manifest's gateway, or empty when hand-over is off ({@code none}).
     * Default: {@code <java.io.tmpdir>/loggregator-gateway-<host>-<endpoint port>.sock}, one per
     * gateway that can run on a machine.
     */
    public static Optional<Path> path(Manifest manifest) {
        String configured = manifest.gateway().handoverSocket();
        if (GatewaySection.NO_HANDOVER.equals(configured)) {
            return Optional.empty();
        }
        if (!configured.isEmpty()) {
            return Optional.of(Path.of(configured));
        }
        return Optional.of(Path.of(System.getProperty("java.io.tmpdir"), "loggregator-gateway-" + manifest.gateway().host() + "-"
                + manifest.properties().loggerEndpoint().port() + ".sock"));
    }

    /** Whether the process at the other end runs as the same user as this one. */
    static boolean sameUser(EpollDomainSocketChannel channel) {
        try {
            PeerCredentials peer = channel.peerCredentials();
            return peer.uid() == ownUid();
        } catch (IOException e) {
            return false;
        }
    }

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
