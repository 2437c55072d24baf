package dev.loggregator.cli.stream;

import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/** Receives each batch of a v2 stream (one Server-Sent Event), on the connection's thread. */
@FunctionalInterface
public interface Batches {
    void batch(List<Envelope> envelopes);
}
