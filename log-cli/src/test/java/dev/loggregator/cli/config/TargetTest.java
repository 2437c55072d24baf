package dev.loggregator.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.output.Notices;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint parsing, precedence of options / environment / config file, and tokens. */
class TargetTest {
    @TempDir
    Path dir;

    private ConfigStore store() {
        return new ConfigStore(dir.resolve("config.json"), Notices.stderr());
    }

    @Test
    void endpointsAreWebSocketUrls() {
        assertEquals(URI.create("wss://doppler.example.com:443"), Endpoints.parse("wss://doppler.example.com:443/"));
        assertEquals(URI.create("ws://127.0.0.1:4443"), Endpoints.parse(" ws://127.0.0.1:4443 "));
        assertEquals(URI.create("wss://doppler.example.com"), Endpoints.parse("https://doppler.example.com"));
        assertEquals(URI.create("ws://h:1/prefix"), Endpoints.parse("http://h:1/prefix/"));
        for (String bad : new String[] {"doppler.example.com:443", "ftp://h", "ws://", "", "wss://bad host"}) {
            CliException error = assertThrows(CliException.class, () -> Endpoints.parse(bad), bad);
            assertEquals(ExitCode.USAGE, error.exitCode());
        }
    }

    @Test
    void buildsStreamAndHttpUrls() {
        URI endpoint = Endpoints.parse("wss://h:443");
        assertEquals(URI.create("wss://h:443/firehose/sub?filter-type=logs"), Endpoints.websocket(endpoint, "/firehose/sub", "filter-type=logs"));
        assertEquals(URI.create("https://h:443/apps/a/recentlogs"), Endpoints.http(endpoint, "/apps/a/recentlogs"));
        assertEquals(URI.create("http://h:1/apps/a/recentlogs"), Endpoints.http(Endpoints.parse("ws://h:1"), "/apps/a/recentlogs"));
        assertEquals("my%20app%2Fx", Endpoints.segment("my app/x"));
    }

    @Test
    void environmentOverridesTheConfigFileAndOptionsOverrideBoth() {
        ConfigStore store = store();
        store.save(new CliConfig("ws://from-config:1", "stored-token", null, false, "/config-ca.pem", null, null));

        Target fromFile = Target.resolve(store, Map.of(), false, null);
        assertEquals(URI.create("ws://from-config:1"), fromFile.endpoint());
        assertEquals("bearer stored-token", fromFile.tokens().authorization());
        assertEquals(Path.of("/config-ca.pem"), fromFile.tls().caFile());
        assertFalse(fromFile.tls().skipValidation());

        Target fromEnv = Target.resolve(store, Map.of("LOGS_ENDPOINT", "wss://from-env:2", "LOGS_TOKEN", "bearer env-token"), true, Path.of("/opt.pem"));
        assertEquals(URI.create("wss://from-env:2"), fromEnv.endpoint());
        assertEquals("bearer env-token", fromEnv.tokens().authorization());
        assertEquals(Path.of("/opt.pem"), fromEnv.tls().caFile());
        assertTrue(fromEnv.tls().skipValidation());
    }

    @Test
    void noEndpointAnywhereIsAConfigurationError() {
        CliException error = assertThrows(CliException.class, () -> Target.resolve(store(), Map.of(), false, null));
        assertEquals(ExitCode.USAGE, error.exitCode());
        assertTrue(error.getMessage().contains("logs target"), error.getMessage());
    }

    @Test
    void tokensAreNormalisedToBearer() {
        assertEquals("bearer abc.def.ghi", TokenProvider.normalize("abc.def.ghi"));
        assertEquals("bearer abc", TokenProvider.normalize("  Bearer   abc \n"));
        assertEquals("bearer abc", TokenProvider.normalize("bearer abc"));
        assertNull(TokenProvider.normalize("  "));
        assertNull(TokenProvider.normalize("bearer "));
        assertNull(TokenProvider.normalize(null));
    }

    @Test
    void aTokenCommandRefreshesAndStoresTheToken() throws Exception {
        ConfigStore store = store();
        Path counter = dir.resolve("count");
        String command = "echo x >> " + counter + "; echo \"fresh-$(wc -l < " + counter + " | tr -d ' ')\"";
        store.save(CliConfig.empty().withEndpoint("ws://h:1", null, null).withTokenCommand(command));
        TokenProvider tokens = Target.resolve(store, Map.of(), false, null).tokens();
        assertTrue(tokens.canRefresh());
        assertEquals("bearer fresh-1", tokens.authorization(), "no stored token: the command runs first");
        assertEquals("bearer fresh-2", tokens.refresh());
        assertEquals("bearer fresh-2", store.load().token());
        assertTrue(Files.readString(store.path()).contains("fresh-2"));
    }

    @Test
    void logsTokenInTheEnvironmentDisablesTheCommand() {
        ConfigStore store = store();
        store.save(CliConfig.empty().withEndpoint("ws://h:1", null, null).withTokenCommand("exit 1"));
        assertFalse(Target.resolve(store, Map.of("LOGS_TOKEN", "t"), false, null).tokens().canRefresh());
    }

    @Test
    void aFailingTokenCommandIsUnauthorized() {
        ConfigStore store = store();
        TokenProvider tokens = new TokenProvider(store, null, null, "echo oops >&2; exit 3");
        CliException error = assertThrows(CliException.class, tokens::refresh);
        assertEquals(ExitCode.UNAUTHORIZED, error.exitCode());
        assertTrue(error.getMessage().contains("exit status 3"), error.getMessage());
        CliException empty = assertThrows(CliException.class, () -> new TokenProvider(store, null, null, "true").refresh());
        assertEquals(ExitCode.UNAUTHORIZED, empty.exitCode());
    }
}
