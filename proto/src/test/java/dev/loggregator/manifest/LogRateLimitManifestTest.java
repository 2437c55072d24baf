package dev.loggregator.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code doppler.log_rate_limit}: defaults, per-app overrides, and the errors a bad value gets. */
class LogRateLimitManifestTest {
    private static final String MINIMAL = "traffic_controller: {auth: {disable_access_control: true}}\n";
    private static final String APP = "6f1d1c5e-2b8a-4c39-9e0e-3d5b7a1f2c44";

    private static DopplerSection.LogRateLimit parse(String section) {
        return ManifestLoader.parse(MINIMAL + "doppler:\n  log_rate_limit:\n" + section, "m.yml").doppler().logRateLimit();
    }

    private static String error(String section) {
        return assertThrows(ManifestException.class, () -> parse(section)).getMessage();
    }

    @Test
    void unlimitedByDefaultSoNothingIsTracked() {
        DopplerSection.LogRateLimit limits = ManifestLoader.parse(MINIMAL, "m.yml").doppler().logRateLimit();
        assertEquals(-1, limits.defaultBytesPerSecond());
        assertEquals(Map.of(), limits.apps());
        assertEquals(100_000, limits.maxInstances());
        assertEquals(1_000, limits.maxCountedApps());
        assertFalse(limits.any());
    }

    @Test
    void aDefaultAndPerAppOverridesByGuid() {
        DopplerSection.LogRateLimit limits = parse("    default_bytes_per_second: 4096\n"
                + "    max_instances: 500\n"
                + "    max_counted_apps: 20\n"
                + "    apps:\n      " + APP + ": 1024\n      other-source: -1\n      silenced: 0\n");
        assertEquals(4096, limits.defaultBytesPerSecond());
        assertEquals(Map.of(APP, 1024L, "other-source", -1L, "silenced", 0L), limits.apps());
        assertEquals(500, limits.maxInstances());
        assertEquals(20, limits.maxCountedApps());
        assertTrue(limits.any());
        assertTrue(parse("    apps: {" + APP + ": 10}\n").any(), "one app limited is enough");
        assertFalse(parse("    apps: {" + APP + ": -1}\n").any(), "an override to unlimited limits nobody");
    }

    @Test
    void badValuesNameTheirKey() {
        String below = error("    default_bytes_per_second: -2\n");
        assertTrue(below.contains("'doppler.log_rate_limit.default_bytes_per_second'")
                && below.contains("-1 (unlimited), 0 (no logs)"), below);
        String app = error("    apps: {" + APP + ": -5}\n");
        assertTrue(app.contains("'doppler.log_rate_limit.apps." + APP + "'"), app);
        String huge = error("    apps: {" + APP + ": 2000000000000}\n");
        assertTrue(huge.contains("up to 1000000000000"), huge);
        String empty = error("    apps: {" + APP + ": }\n");
        assertTrue(empty.contains("must be a number of bytes per second"), empty);
        String units = error("    apps: {" + APP + ": 1K}\n");
        assertTrue(units.contains("doppler.log_rate_limit.apps"), units);
        String instances = error("    max_instances: 0\n");
        assertTrue(instances.contains("'doppler.log_rate_limit.max_instances'"), instances);
        String counted = error("    max_counted_apps: -1\n");
        assertTrue(counted.contains("'doppler.log_rate_limit.max_counted_apps'"), counted);
        String unknown = error("    default: 5\n");
        assertTrue(unknown.contains("unknown key 'doppler.log_rate_limit.default'"), unknown);
    }
}
