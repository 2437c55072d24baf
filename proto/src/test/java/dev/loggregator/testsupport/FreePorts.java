package dev.loggregator.testsupport;

import dev.loggregator.net.PortPicker;

/** Loopback ports that were free a moment ago, for manifests of processes started by tests. */
public final class FreePorts {
    private FreePorts() {
    }

    public static int next() {
        return PortPicker.freeLoopbackPort();
    }
}
