package dev.loggregator.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends java.util.logging (gRPC's logger, the JDK's HTTP client) through SLF4J, so those lines
 * get the components' format, their levels and the {@link LogFloodFilter}. Without it grpc-java
 * writes a SEVERE entry with a stack trace to stderr for every malformed message a client sends.
 */
public final class JulBridge {
    private JulBridge() {
    }

    public static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
