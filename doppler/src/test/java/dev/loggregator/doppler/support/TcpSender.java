package dev.loggregator.doppler.support;

import dev.loggregator.wire.framing.LengthPrefix;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/** A dropsonde v1 stream sender (TCP, or TLS with an SSL context): length-prefixed envelopes. */
public final class TcpSender implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;

    private TcpSender(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    public static TcpSender connect(int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            return new TcpSender(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TcpSender connectTls(int port, SSLContext context) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.startHandshake();
        return new TcpSender(socket);
    }

    public TcpSender send(Envelope envelope) {
        return sendRaw(envelope.toByteArray());
    }

    /** Any bytes as one length-prefixed record. */
    public TcpSender sendRaw(byte[] record) {
        try {
            LengthPrefix.write(out, record);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes exactly as given, no framing added. */
    public TcpSender writeBytes(byte[] bytes) {
        try {
            out.write(bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TcpSender flush() {
        try {
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
