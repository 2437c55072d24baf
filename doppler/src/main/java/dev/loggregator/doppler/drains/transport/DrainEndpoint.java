package dev.loggregator.doppler.drains.transport;

import dev.loggregator.doppler.drains.binding.DrainUrl;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;

/**
 * Where a drain writes: its URL, the address its host resolved to when the binding was last
 * checked against the deny list (dialled instead of the name, so DNS cannot move a drain onto a
 * denied address between checks), and the TLS context for TLS schemes.
 */
public final class DrainEndpoint {
    private final DrainUrl url;
    private final SslContext tls;
    private volatile InetAddress address;

    public DrainEndpoint(DrainUrl url, InetAddress address, SslContext tls) {
        this.url = url;
        this.address = address;
        this.tls = tls;
    }

    public DrainUrl url() {
        return url;
    }

    public SslContext tls() {
        return tls;
    }

    public InetAddress address() {
        return address;
    }

    /** A re-check resolved the host anew; the next connection goes there. */
    public void address(InetAddress address) {
        this.address = address;
    }
}
