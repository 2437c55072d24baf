package dev.loggregator.e2e.demo;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The demo apps' names and GUIDs. Loggregator knows apps by GUID only (the Traffic Controller
 * refuses anything else, as the original does), so the demo's apps have GUIDs, fixed so that a
 * restarted demo is the same apps, and carry their names in the {@code app_name} tag as Diego
 * cells do; {@code bin/loggregator up --demo} tells the logs CLI the names ({@code logs app}).
 */
public final class DemoApps {
    public static final String WEB = "demo";
    public static final String WORKER = "demo-worker";
    public static final String CRON = "demo-cron";

    private DemoApps() {
    }

    public static String guid(String name) {
        return UUID.nameUUIDFromBytes(("loggregator-demo/" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Every demo app, name to GUID. */
    public static Map<String, String> all() {
        Map<String, String> apps = new LinkedHashMap<>();
        for (String name : new String[] {WEB, WORKER, CRON}) {
            apps.put(name, guid(name));
        }
        return apps;
    }
}
