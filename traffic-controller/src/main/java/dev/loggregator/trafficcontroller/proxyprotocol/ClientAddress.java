package dev.loggregator.trafficcontroller.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;

/** The client's real address: from a PROXY protocol header when one came, else the socket's peer. */
public final class ClientAddress {
    static final AttributeKey<String> PROXIED = AttributeKey.valueOf("loggregator.proxiedClient");

    private ClientAddress() {
    }

    public static String of(Channel channel) {
        String proxied = channel.attr(PROXIED).get();
        if (proxied != null) {
            return proxied;
        }
        SocketAddress remote = channel.remoteAddress();
        return remote == null ? "?" : remote.toString().replaceFirst("^/", "");
    }
}
