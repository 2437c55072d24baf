package dev.loggregator.trafficcontroller.dopplers;

import java.util.List;

/**
 * Receives envelopes from Doppler links, one batch (one Doppler frame) at a time, each element
 * one marshalled v1 envelope. Called on a link's reader thread: must not block.
 */
public interface EnvelopeSink {
    void deliver(List<byte[]> envelopes);
}
