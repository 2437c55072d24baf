package dev.loggregator.cli.config;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Parses and normalises a logging endpoint: {@code ws://} or {@code wss://} (http/https accepted and mapped). */
public final class Endpoints {
    private Endpoints() {
    }

    public static URI parse(String text) {
        if (text == null || text.isBlank()) {
            throw new CliException(ExitCode.USAGE, "no logging endpoint: run `logs target wss://doppler.<system-domain>:443` or set LOGS_ENDPOINT");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new CliException(ExitCode.USAGE, "bad endpoint '" + text + "': " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String mapped = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> throw new CliException(ExitCode.USAGE, "bad endpoint '" + text
                    + "': it must start with ws:// or wss:// (e.g. wss://doppler.example.com:443)");
        };
        if (uri.getHost() == null) {
            throw new CliException(ExitCode.USAGE, "bad endpoint '" + text + "': no host name");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        try {
            return new URI(mapped, null, uri.getHost(), uri.getPort(), null, null, null).resolve(path.isEmpty() ? "" : path);
        } catch (URISyntaxException e) {
            throw new CliException(ExitCode.USAGE, "bad endpoint '" + text + "': " + e.getMessage());
        }
    }

    /** The WebSocket URI of {@code path} (which starts with '/') under the endpoint, with an optional query. */
    public static URI websocket(URI endpoint, String path, String query) {
        return URI.create(endpoint + path + (query == null ? "" : "?" + query));
    }

    /** The plain HTTP(S) URI of {@code path} under the endpoint: ws maps to http, wss to https (as noaa does). */
    public static URI http(URI endpoint, String path) {
        String scheme = "wss".equals(endpoint.getScheme()) ? "https" : "http";
        return URI.create(scheme + endpoint.toString().substring(endpoint.getScheme().length()) + path);
    }

    /** An app id or subscription id as one URI path segment. */
    public static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
