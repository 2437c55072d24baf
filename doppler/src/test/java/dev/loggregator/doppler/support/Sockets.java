package dev.loggregator.doppler.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLException;

/** Raw-socket checks for tests that send a listener bytes no real client would. */
public final class Sockets {
    private Sockets() {
    }

    /** Reads until the server closes the connection (then true); a connection still open after 20 s throws SocketTimeoutException. */
    public static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketException | SSLException e) {
            return true; // reset, or TLS alert: closed all the same
        }
    }
}
