package io.netty.channel.unix;

/**
 * Marks a socket's input as ended in Netty's own bookkeeping (what {@link Socket#isInputShutdown()}
 * reports) without {@code shutdown(SHUT_RD)}: for a connection whose peer's FIN was read, after which
 * the kernel delivers nothing more anyway (see {@code ProxyEpollSocketChannel}). The state lives in
 * package-private fields of {@link FileDescriptor}, hence this class in Netty's package.
 */
public final class InputEnd {
    private InputEnd() {
    }

    public static void markEnded(Socket socket) {
        for (;;) {
            int state = socket.state;
            if (FileDescriptor.isClosed(state) || FileDescriptor.isInputShutdown(state)
                    || socket.casState(state, FileDescriptor.inputShutdown(state))) {
                return;
            }
        }
    }
}
