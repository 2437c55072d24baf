package dev.loggregator.cli.stream;

/** Receives each binary frame of a stream (one marshalled v1 envelope), on the socket's reader thread. */
@FunctionalInterface
public interface Frames {
    void frame(byte[] envelope);
}
