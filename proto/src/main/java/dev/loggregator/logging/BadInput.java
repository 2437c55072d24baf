package dev.loggregator.logging;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Marks a log line that what a client sent caused (a malformed request, a refused token, a
 * connection over a limit). {@link LogFloodFilter} lets at most one line per logger and message
 * through every interval, so no client can flood the log however often it sends the same bad thing.
 */
public final class BadInput {
    public static final Marker MARKER = MarkerFactory.getMarker("BAD_INPUT");

    private BadInput() {
    }
}
