package dev.loggregator.cli.stream;

/**
 * Puts the lines of a {@code text/event-stream} back together into events (the WHATWG Server-Sent
 * Events rules): {@code event:} names the event, {@code data:} lines are joined with {@code \n}, a
 * blank line dispatches, {@code :} starts a comment, one space after the colon is dropped. An event
 * without data is not dispatched. An event larger than {@code maxEventChars} is skipped whole and
 * reported, so a server that never sends a blank line cannot exhaust memory.
 */
final class SseEventReader {
    interface Listener {
        /** An event; {@code name} is "message" when the server named none. */
        void event(String name, String data);

        /** An event past the size limit was skipped. */
        void oversized(long chars);
    }

    private final Listener listener;
    private final int maxEventChars;
    private String name = "";
    private StringBuilder data;
    private long skippedChars = -1;

    SseEventReader(Listener listener, int maxEventChars) {
        this.listener = listener;
        this.maxEventChars = maxEventChars;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (skippedChars >= 0) {
            skippedChars += line.length();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value.length());
                } else {
                    data.append('\n');
                }
                if (data.length() + value.length() > maxEventChars) {
                    skippedChars = data.length() + value.length();
                    data = null;
                    return;
                }
                data.append(value);
            }
            default -> {
                // id and retry mean nothing to a client that does not resume; other fields are ignored by the rules.
            }
        }
    }

    private void dispatch() {
        if (skippedChars >= 0) {
            listener.oversized(skippedChars);
        } else if (data != null) {
            listener.event(name.isEmpty() ? "message" : name, data.toString());
        }
        name = "";
        data = null;
        skippedChars = -1;
    }
}
