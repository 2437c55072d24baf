package dev.loggregator.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LineOutputTest {
    @Test
    void stopsAtMaxLinesAndSaysSoOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicInteger done = new AtomicInteger();
        LineOutput output = new LineOutput(new PrintStream(bytes, false, StandardCharsets.UTF_8), 2, done::incrementAndGet);
        assertTrue(output.println("one"));
        assertFalse(output.println("two"));
        assertFalse(output.println("three"));
        output.flush();
        assertEquals("one\ntwo\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(1, done.get());
        assertTrue(output.limitReached());
    }

    @Test
    void aClosedPipeEndsTheOutput() {
        PrintStream broken = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
        AtomicInteger done = new AtomicInteger();
        LineOutput output = new LineOutput(broken, 0, done::incrementAndGet);
        output.println("lost");
        output.flush();
        assertEquals(1, done.get());
        assertTrue(output.done());
        assertFalse(output.limitReached());
    }
}
