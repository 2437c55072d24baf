package dev.loggregator.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.output.Notices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Notices notices = new Notices(new PrintStream(stderr, true, StandardCharsets.UTF_8));

    @Test
    void locatesTheFileByEnvironment() {
        assertEquals(Path.of("/x/my.json"), ConfigStore.locate(Map.of("LOGS_CONFIG", "/x/my.json", "XDG_CONFIG_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/xdg/logs/config.json"), ConfigStore.locate(Map.of("XDG_CONFIG_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/home/u/.config/logs/config.json"), ConfigStore.locate(Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.config/logs/config.json"), ConfigStore.locate(Map.of("XDG_CONFIG_HOME", ""), "/home/u"));
    }

    @Test
    void writesOwnerOnlyAndReadsBack() throws Exception {
        Path file = dir.resolve("new-dir").resolve("config.json");
        ConfigStore store = new ConfigStore(file, notices);
        assertEquals(CliConfig.empty(), store.load());
        CliConfig config = new CliConfig("wss://doppler.example.com:443", "bearer abc", "cf oauth-token", true, "/ca.pem", "10.0.0.1:8082", java.util.Map.of("demo", "6f1c8a2e-5b7d-4c3e-9a1f-2d4b6c8e0a12"));
        store.save(config);
        assertEquals(config, store.load());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertTrue(Files.readString(file).contains("\"token_command\""));
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void warnsWhenOthersCanReadTheToken() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"endpoint\":\"ws://x:1\",\"future_key\":1}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("ws://x:1", new ConfigStore(file, notices).load().endpoint());
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("chmod 600 " + file), stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBrokenFileIsAConfigurationError() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{not json");
        CliException error = assertThrows(CliException.class, () -> new ConfigStore(file, notices).load());
        assertEquals(ExitCode.USAGE, error.exitCode());
        assertTrue(error.getMessage().startsWith("cannot read config file " + file), error.getMessage());
    }
}
