package dev.loggregator.gateway.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/** The client's address: the PROXY protocol's source when a load balancer sent one, the peer otherwise. */
public final class ClientAddress {
    static final AttributeKey<InetSocketAddress> SOURCE = AttributeKey.valueOf("gateway.proxy.source");
    static final AttributeKey<InetSocketAddress> DESTINATION = AttributeKey.valueOf("gateway.proxy.destination");

    private ClientAddress() {
    }

    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress source = channel.attr(SOURCE).get();
        return source != null ? source : (InetSocketAddress) channel.remoteAddress();
    }

    /** Where the client connected to: the PROXY destination when given, else this listener. */
    public static InetSocketAddress destination(Channel channel) {
        InetSocketAddress destination = channel.attr(DESTINATION).get();
        return destination != null ? destination : (InetSocketAddress) channel.localAddress();
    }

    /** {@code ip:port} for logs. */
    public static String describe(Channel channel) {
        InetSocketAddress address = of(channel);
        if (address == null) {
            return "-";
        }
        String ip = ip(address);
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** IPv6 in its compressed form ({@code ::1}) and without a {@code %scope}, which means nothing off this host. */
    public static String ip(InetSocketAddress address) {
        return address.getAddress() == null ? address.getHostString() : NetUtil.toAddressString(address.getAddress());
    }
}
