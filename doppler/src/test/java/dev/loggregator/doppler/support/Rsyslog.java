package dev.loggregator.doppler.support;

import dev.loggregator.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslog daemon (Debian's {@code rsyslog} and {@code rsyslog-openssl}) run as the test's
 * own process with its own configuration: an octet-counting TCP listener and a TLS listener (the
 * test CA's server certificate) on loopback, each writing what rsyslog parsed out of every RFC 5424
 * message (PRI, hostname, app-name, procid, msgid, structured data, msg) and the raw message to its
 * own file. {@link #unavailable()} installs the packages with apt-get when they are missing and
 * this process may; otherwise it says why the test cannot run.
 */
public final class Rsyslog implements AutoCloseable {
    private static final Path DAEMON = Path.of("/usr/sbin/rsyslogd");
    /** rsyslog-openssl's TLS driver, under the architecture's library directory (e.g. /usr/lib/x86_64-linux-gnu). */
    private static final String TLS_DRIVER = "rsyslog/lmnsd_ossl.so";
    private static final String SEPARATOR = "\u001f";

    /** One message as rsyslog parsed it. */
    public record Parsed(int pri, String hostname, String appName, String procId, String msgId,
                         String structuredData, String msg, String raw) {
    }

    private final Process process;
    private final Path plainLog;
    private final Path tlsLog;
    private final int plainPort;
    private final int tlsPort;

    private Rsyslog(Process process, Path plainLog, Path tlsLog, int plainPort, int tlsPort) {
        this.process = process;
        this.plainLog = plainLog;
        this.tlsLog = tlsLog;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
    }

    /** Why rsyslog cannot be used here, after trying to install it; empty when it can. */
    public static synchronized Optional<String> unavailable() {
        if (installed()) {
            return Optional.empty();
        }
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return Optional.of("rsyslog is not installed (" + DAEMON + ", /usr/lib/*/" + TLS_DRIVER + ") and this user cannot"
                    + " install it: run `apt-get install rsyslog rsyslog-openssl` (as .ci/run does)");
        }
        try {
            Process install = new ProcessBuilder("sh", "-c", "apt-get install -y -q --no-install-recommends rsyslog rsyslog-openssl"
                    + " || (apt-get update -q && apt-get install -y -q --no-install-recommends rsyslog rsyslog-openssl)")
                    .redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0 || !installed()) {
                return Optional.of("cannot install rsyslog with apt-get: " + output.lines().reduce((a, b) -> b).orElse(""));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run apt-get to install rsyslog: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted installing rsyslog");
        }
    }

    private static boolean installed() {
        if (!Files.isExecutable(DAEMON)) {
            return false;
        }
        try (var libraries = Files.list(Path.of("/usr/lib"))) {
            return libraries.anyMatch(dir -> Files.exists(dir.resolve(TLS_DRIVER)));
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts rsyslogd on two free loopback ports; returns once both listen. */
    public static Rsyslog start(Path dir, TestCertificates certs) {
        try {
            Files.createDirectories(dir.resolve("work"));
            int plainPort = FreePorts.next();
            int tlsPort = FreePorts.next();
            Path plainLog = dir.resolve("plain.log");
            Path tlsLog = dir.resolve("tls.log");
            String fields = String.join(SEPARATOR, "%pri%", "%hostname%", "%app-name%", "%procid%", "%msgid%",
                    "%structured-data%", "%msg%", "%rawmsg%");
            String config = "global(workDirectory=\"" + dir.resolve("work") + "\" maxMessageSize=\"64k\"\n"
                    + "  defaultNetstreamDriverCAFile=\"" + certs.caCert + "\"\n"
                    + "  defaultNetstreamDriverCertFile=\"" + certs.serverCert + "\"\n"
                    + "  defaultNetstreamDriverKeyFile=\"" + certs.serverKey + "\")\n"
                    + "module(load=\"imtcp\")\n"
                    + "template(name=\"fields\" type=\"string\" string=\"" + fields + "\\n\")\n"
                    + "ruleset(name=\"plain\") { action(type=\"omfile\" file=\"" + plainLog + "\" template=\"fields\") }\n"
                    + "ruleset(name=\"tls\") { action(type=\"omfile\" file=\"" + tlsLog + "\" template=\"fields\") }\n"
                    + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + plainPort + "\" ruleset=\"plain\")\n"
                    + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tlsPort + "\" ruleset=\"tls\""
                    + " streamDriver.name=\"ossl\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")\n";
            Path configFile = dir.resolve("rsyslog.conf");
            Files.writeString(configFile, config);
            Process process = new ProcessBuilder(DAEMON.toString(), "-n", "-f", configFile.toString(),
                    "-i", dir.resolve("rsyslogd.pid").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
            Rsyslog rsyslog = new Rsyslog(process, plainLog, tlsLog, plainPort, tlsPort);
            rsyslog.awaitListening(dir);
            return rsyslog;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Path dir) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rsyslogd exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("rsyslogd.out")));
            }
            if (listening(plainPort) && listening(tlsPort)) {
                return;
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("rsyslogd did not listen within 30 s: " + Files.readString(dir.resolve("rsyslogd.out")));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int plainPort() {
        return plainPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** What arrived on the octet-counting TCP listener, in order. */
    public List<Parsed> plain() {
        return read(plainLog);
    }

    /** What arrived on the TLS listener, in order. */
    public List<Parsed> tls() {
        return read(tlsLog);
    }

    private static List<Parsed> read(Path file) {
        List<Parsed> parsed = new ArrayList<>();
        if (!Files.exists(file)) {
            return parsed;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(SEPARATOR, -1);
                if (f.length == 8) {
                    parsed.add(new Parsed(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4], f[5], f[6], f[7]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parsed;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
