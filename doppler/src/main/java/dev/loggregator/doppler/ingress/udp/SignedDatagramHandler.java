package dev.loggregator.doppler.ingress.udp;

import dev.loggregator.doppler.ingress.EnvelopeIntake;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.metrics.IngressProtocol;
import dev.loggregator.wire.signature.InvalidSignatureException;
import dev.loggregator.wire.signature.SignedDatagram;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/** One datagram: a 32-byte HMAC-SHA256 of the envelope under the shared secret, then the envelope. */
final class SignedDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final EnvelopeIntake intake;
    private final byte[] sharedSecret;

    SignedDatagramHandler(EnvelopeIntake intake, byte[] sharedSecret) {
        this.intake = intake;
        this.sharedSecret = sharedSecret;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        byte[] datagram = ByteBufUtil.getBytes(packet.content());
        byte[] envelope;
        try {
            envelope = SignedDatagram.verify(datagram, sharedSecret);
        } catch (InvalidSignatureException e) {
            intake.reject(DropReason.BAD_SIGNATURE, IngressProtocol.UDP, packet.sender(), e.getMessage());
            return;
        }
        intake.acceptV1(envelope, IngressProtocol.UDP, packet.sender());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A datagram socket has no peer to close; one bad read must not end the listener.
    }
}
