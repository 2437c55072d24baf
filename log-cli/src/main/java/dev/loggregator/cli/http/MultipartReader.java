package dev.loggregator.cli.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a {@code multipart/*} body (RFC 2046) into its parts' bodies, as the Traffic Controller's
 * {@code recentlogs} and {@code containermetrics} answers ({@code multipart/x-protobuf}, one raw
 * envelope per part, written by Go's mime/multipart) need. Part headers are allowed and ignored,
 * a preamble before the first and an epilogue after the closing delimiter are skipped, and an
 * empty body has no parts. Anything else malformed throws {@link MalformedMultipartException}.
 */
public final class MultipartReader {
    private MultipartReader() {
    }

    /** The {@code boundary} parameter of a Content-Type header (quoted or not), or null. */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.strip();
            int equals = trimmed.indexOf('=');
            if (equals > 0 && trimmed.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("boundary")) {
                String value = trimmed.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    public static List<byte[]> parts(byte[] body, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new MalformedMultipartException("bad multipart boundary '" + boundary + "'");
        }
        List<byte[]> parts = new ArrayList<>();
        if (body.length == 0) {
            return parts;
        }
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int position = 0;
        if (!startsWith(body, 0, dashBoundary)) {
            int first = indexOf(body, delimiter, 0);
            if (first < 0) {
                throw new MalformedMultipartException("no boundary '" + boundary + "' in the body");
            }
            position = first + 2;
        }
        while (true) {
            position += dashBoundary.length;
            if (startsWith(body, position, new byte[] {'-', '-'})) {
                return parts;
            }
            position = afterLineEnd(body, skipPadding(body, position), "after a boundary");
            while (!isLineEnd(body, position)) {
                position = afterLineEnd(body, indexOfLineEnd(body, position), "in part headers");
            }
            int start = afterLineEnd(body, position, "after part headers");
            int end = indexOf(body, delimiter, start);
            if (end < 0) {
                throw new MalformedMultipartException("part " + (parts.size() + 1) + " has no closing boundary (truncated body?)");
            }
            byte[] part = new byte[end - start];
            System.arraycopy(body, start, part, 0, part.length);
            parts.add(part);
            position = end + 2;
        }
    }

    private static int skipPadding(byte[] body, int position) {
        while (position < body.length && (body[position] == ' ' || body[position] == '\t')) {
            position++;
        }
        return position;
    }

    private static boolean isLineEnd(byte[] body, int position) {
        return position < body.length && (body[position] == '\n' || (body[position] == '\r' && position + 1 < body.length && body[position + 1] == '\n'));
    }

    /** The position just after the CRLF (or bare LF) at {@code position}. */
    private static int afterLineEnd(byte[] body, int position, String where) {
        if (position < body.length && body[position] == '\n') {
            return position + 1;
        }
        if (position + 1 < body.length && body[position] == '\r' && body[position + 1] == '\n') {
            return position + 2;
        }
        throw new MalformedMultipartException("expected a line end " + where + " at byte " + position);
    }

    private static int indexOfLineEnd(byte[] body, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == '\n') {
                return i > from && body[i - 1] == '\r' ? i - 1 : i;
            }
        }
        throw new MalformedMultipartException("unterminated part header line at byte " + from);
    }

    private static boolean startsWith(byte[] body, int position, byte[] prefix) {
        if (position < 0 || position + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[position + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= body.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (body[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
