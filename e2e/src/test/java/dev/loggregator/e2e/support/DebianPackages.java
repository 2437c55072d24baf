package dev.loggregator.e2e.support;

import dev.loggregator.e2e.netns.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Installs a Debian package a test needs (a real server such as dnsmasq, a tool such as nft) when
 * its program is missing, as the test setup of this project does on a fresh Debian machine.
 */
public final class DebianPackages {
    private DebianPackages() {
    }

    /** Makes sure {@code program} exists, installing {@code pkg} if needed; empty when it does, else why not. */
    public static synchronized Optional<String> ensure(String program, String pkg) {
        if (Executables.find(program).isPresent()) {
            return Optional.empty();
        }
        if (Executables.find("apt-get").isEmpty()) {
            return Optional.of(program + " is missing and there is no apt-get to install Debian's " + pkg);
        }
        String failure = aptGet("install", "-y", "-q", "--no-install-recommends", pkg);
        if (failure != null) {
            // The package lists may be missing or stale on a fresh machine.
            String update = aptGet("update", "-q");
            failure = update != null ? update : aptGet("install", "-y", "-q", "--no-install-recommends", pkg);
        }
        if (Executables.find(program).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(program + " is missing and installing Debian's " + pkg + " failed: " + failure);
    }

    /** Runs apt-get; null when it succeeded, else its exit status and last output. */
    private static String aptGet(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return "apt-get " + args[0] + " did not finish within 10 minutes";
            }
            if (process.exitValue() != 0) {
                String tail = output.length() > 600 ? output.substring(output.length() - 600) : output;
                return "apt-get " + args[0] + " exited with " + process.exitValue() + ": " + tail.strip();
            }
            return null;
        } catch (IOException e) {
            return "cannot run apt-get: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
