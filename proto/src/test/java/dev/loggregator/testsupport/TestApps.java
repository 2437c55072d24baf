package dev.loggregator.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** App ids are GUIDs at every edge; tests name their apps and get a stable GUID for each name. */
public final class TestApps {
    private TestApps() {
    }

    public static String guid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
