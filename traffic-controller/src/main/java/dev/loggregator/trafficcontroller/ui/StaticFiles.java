package dev.loggregator.trafficcontroller.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page's files, packaged in the jar under {@code ui/} (the vendored browser libraries under
 * {@code ui/vendor/}, put there by the Maven build). A request path maps to a file only when every
 * segment is a plain name (letters, digits, {@code - _ .}, not starting with a dot) and it ends in an
 * extension of {@link #CONTENT_TYPES}, so no path can climb out of {@code ui/} or name a directory.
 * Files are read once and kept: the set is fixed by the jar, so the cache is bounded by it.
 */
final class StaticFiles {
    static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8");
    private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    /** A file's bytes, its content type and a strong validator. */
    record File(byte[] bytes, String contentType, String etag) {
    }

    private final String root;
    private final ClassLoader loader;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    StaticFiles(String root, ClassLoader loader) {
        this.root = root.endsWith("/") ? root : root + "/";
        this.loader = loader;
    }

    /** The file at {@code relative} (already percent-decoded, without a leading slash), if it is one of ours. */
    Optional<File> find(String relative) {
        if (!SAFE_PATH.matcher(relative).matches() || relative.contains("..")) {
            return Optional.empty();
        }
        String extension = relative.substring(relative.lastIndexOf('.') + 1);
        String type = relative.indexOf('.') < 0 ? null : CONTENT_TYPES.get(extension);
        if (type == null) {
            return Optional.empty();
        }
        File cached = cache.get(relative);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = loader.getResourceAsStream(root + relative)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            File file = new File(bytes, type, etag(bytes));
            cache.put(relative, file);
            return Optional.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + root + relative, e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
