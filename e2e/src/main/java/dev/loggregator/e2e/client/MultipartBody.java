package dev.loggregator.e2e.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/x-protobuf} answer of {@code recentlogs}/{@code containermetrics}: one
 * marshalled envelope per part, as noaa reads it (boundary taken with {@code boundary=(.*)}).
 */
public final class MultipartBody {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(.*)");

    private MultipartBody() {
    }

    public static Optional<String> boundary(String contentType) {
        Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (!m.find()) {
            return Optional.empty();
        }
        String b = m.group(1).trim();
        if (b.startsWith("\"") && b.endsWith("\"") && b.length() > 1) {
            b = b.substring(1, b.length() - 1);
        }
        return Optional.of(b);
    }

    /** The parts' bodies; part headers (if any) are skipped. */
    public static List<byte[]> parts(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int afterDelimiter = at + delimiter.length;
            if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), afterDelimiter);
            int lineEnd = afterDelimiter + 2;
            int start = body.length > lineEnd + 1 && body[lineEnd] == '\r' && body[lineEnd + 1] == '\n'
                    ? lineEnd + 2 : headersEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), start);
            if (headersEnd < 0 || next < 0) {
                throw new IllegalArgumentException("truncated multipart body");
            }
            parts.add(Arrays.copyOfRange(body, start, next));
            at = next + 2;
        }
        return parts;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
