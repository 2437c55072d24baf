package dev.loggregator.e2e.support;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/** Collects the v1 envelopes a stream delivers, parsed, for assertions. */
public final class Envelopes implements Consumer<byte[]> {
    private final Queue<Envelope> received = new ConcurrentLinkedQueue<>();
    private final Queue<String> malformed = new ConcurrentLinkedQueue<>();

    @Override
    public void accept(byte[] bytes) {
        try {
            received.add(Envelope.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            malformed.add(e.getMessage());
        }
    }

    public List<Envelope> all() {
        return List.copyOf(received);
    }

    public List<Envelope> matching(Predicate<Envelope> predicate) {
        return received.stream().filter(predicate).toList();
    }

    /** The texts of the LogMessages of {@code appId}, in arrival order. */
    public List<String> logs(String appId) {
        return received.stream()
                .filter(e -> e.getEventType() == EventType.LogMessage && e.getLogMessage().getAppId().equals(appId))
                .map(e -> e.getLogMessage().getMessage().toString(StandardCharsets.UTF_8))
                .toList();
    }

    public List<String> malformed() {
        return List.copyOf(malformed);
    }

    public static boolean isLogOf(Envelope e, String appId) {
        return e.getEventType() == EventType.LogMessage && e.getLogMessage().getAppId().equals(appId);
    }
}
