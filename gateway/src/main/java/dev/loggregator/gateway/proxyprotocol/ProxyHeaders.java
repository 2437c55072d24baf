package dev.loggregator.gateway.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** The PROXY header sent to a backend so the client address survives a TCP-mode hop. */
public final class ProxyHeaders {
    private ProxyHeaders() {
    }

    public static HAProxyMessage forClient(Channel client, String version) {
        InetSocketAddress source = ClientAddress.of(client);
        InetSocketAddress destination = ClientAddress.destination(client);
        boolean v6 = source.getAddress() instanceof Inet6Address || destination.getAddress() instanceof Inet6Address;
        String sourceIp = v6 ? toV6(source) : source.getAddress().getHostAddress();
        String destinationIp = v6 ? toV6(destination) : destination.getAddress().getHostAddress();
        return new HAProxyMessage("v1".equals(version) ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY, v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
                sourceIp, destinationIp, source.getPort(), destination.getPort());
    }

    /** Compressed and without a {@code %scope}, which a PROXY header cannot carry. */
    private static String toV6(InetSocketAddress address) {
        if (address.getAddress() instanceof Inet6Address) {
            return NetUtil.toAddressString(address.getAddress());
        }
        return "::ffff:" + address.getAddress().getHostAddress();
    }
}
