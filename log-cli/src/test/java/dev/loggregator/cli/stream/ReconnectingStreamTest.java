package dev.loggregator.cli.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.ConfigStore;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.config.TokenProvider;
import dev.loggregator.cli.output.Notices;
import dev.loggregator.cli.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconnection policy, with scripted connections (the process tests run it over real sockets). */
class ReconnectingStreamTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Notices notices = new Notices(new PrintStream(err, true, StandardCharsets.UTF_8));
    private final List<String> connects = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private Target target() {
        return new Target(URI.create("ws://127.0.0.1:1"), new TokenProvider(new ConfigStore(dir.resolve("c.json"), notices), null, null, null),
                new TlsOptions(false, null));
    }

    @Test
    void a404ToTheFirstRequestSwitchesToTheFallbackAndAnAnnouncedEndReconnectsAtOnce() throws Exception {
        Scripted v1 = new Scripted("v1", Scripted::refused404);
        Scripted v2 = new Scripted("v2", Scripted::closingAnnounced, Scripted::openUntilClosed);
        ReconnectingStream stream = new ReconnectingStream(target(), v1, v2, "app 'x' not found", notices, c -> connects.add(c.api()));
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(stream::run);
        await().atMost(Duration.ofSeconds(10)).until(() -> connects.size() == 2);
        stream.stop(ExitCode.OK);
        assertEquals(ExitCode.OK, run.get());
        assertEquals(List.of("v2", "v2"), connects);
        String notices = err.toString(StandardCharsets.UTF_8);
        assertTrue(notices.contains("logs: v1 answered 404 at ws://127.0.0.1:1; reading v2"), notices);
        assertTrue(notices.contains("the server ended the stream (closed by the server: closing due to stream timeout); reconnecting"), notices);
        assertTrue(notices.contains("reconnected to"), notices);
    }

    @Test
    void a404AfterTheStreamWasUpFetchesAFreshTokenOnce() throws Exception {
        Scripted v2 = new Scripted("v2", Scripted::endedByServer, Scripted::refused404, Scripted::openUntilClosed);
        TokenProvider tokens = new TokenProvider(new ConfigStore(dir.resolve("c.json"), notices), null, "bearer old", "echo fresh.token");
        Target target = new Target(URI.create("ws://127.0.0.1:1"), tokens, new TlsOptions(false, null));
        ReconnectingStream stream = new ReconnectingStream(target, v2, null, "app 'x' not found", notices, c -> connects.add(c.api()));
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(stream::run);
        await().atMost(Duration.ofSeconds(10)).until(() -> connects.size() == 2);
        stream.stop(ExitCode.OK);
        assertEquals(ExitCode.OK, run.get());
        assertEquals("bearer fresh.token", tokens.authorization());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("token rejected; fetching a fresh one"), err::toString);
    }

    @Test
    void aFallbackThatAnswers404TooMeansNotFound() {
        Scripted v1 = new Scripted("v1", Scripted::refused404);
        Scripted v2 = new Scripted("v2", Scripted::refused404);
        ReconnectingStream stream = new ReconnectingStream(target(), v1, v2, "app 'x' not found", notices, c -> connects.add(c.api()));
        CliException notFound = assertThrows(CliException.class, stream::run);
        assertEquals(ExitCode.NOT_FOUND, notFound.exitCode());
        assertTrue(notFound.getMessage().startsWith("app 'x' not found"), notFound.getMessage());
        assertEquals(List.of(), connects);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "the error is the only line: no word of the fallback");
    }

    /** A connector whose connections behave as scripted, one script per connection (the last one repeats). */
    private static final class Scripted implements StreamConnector {
        private final String name;
        private final Deque<Supplier<FakeConnection>> scripts = new ArrayDeque<>();

        @SafeVarargs
        Scripted(String name, Supplier<FakeConnection>... scripts) {
            this.name = name;
            this.scripts.addAll(List.of(scripts));
        }

        static FakeConnection refused404() {
            FakeConnection connection = new FakeConnection();
            connection.closed.complete(new StreamEnd("refused", false, null, new HandshakeResponse(404, "Not Found", "")));
            connection.opened.complete(false);
            return connection;
        }

        static FakeConnection closingAnnounced() {
            FakeConnection connection = new FakeConnection();
            connection.opened.complete(true);
            connection.closed.complete(new StreamEnd("closed by the server: closing due to stream timeout", true, null, null));
            return connection;
        }

        static FakeConnection endedByServer() {
            FakeConnection connection = new FakeConnection();
            connection.opened.complete(true);
            connection.closed.complete(new StreamEnd("closed by the server", false, null, null));
            return connection;
        }

        static FakeConnection openUntilClosed() {
            FakeConnection connection = new FakeConnection();
            connection.opened.complete(true);
            return connection;
        }

        @Override
        public URI uri() {
            return URI.create("ws://127.0.0.1:1/" + name);
        }

        @Override
        public String api() {
            return name;
        }

        @Override
        public StreamConnection connect() {
            return (scripts.size() > 1 ? scripts.poll() : scripts.peek()).get();
        }
    }

    private static final class FakeConnection implements StreamConnection {
        final CompletableFuture<Boolean> opened = new CompletableFuture<>();
        final CompletableFuture<StreamEnd> closed = new CompletableFuture<>();

        @Override
        public void dial() {
        }

        @Override
        public CompletableFuture<Boolean> opened() {
            return opened;
        }

        @Override
        public CompletableFuture<StreamEnd> closed() {
            return closed;
        }

        @Override
        public void close() {
            closed.complete(new StreamEnd("closed", false, null, null));
        }

        @Override
        public void abort(String reason) {
            close();
        }

        @Override
        public void finish(Duration grace) {
            close();
        }
    }
}
