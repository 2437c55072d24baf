package dev.loggregator.doppler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.testsupport.ServerCommandLineContract;
import org.junit.jupiter.api.Test;

/** {@code doppler --manifest FILE [--index N]}, {@code --help}, {@code --version}, refused command lines: the real process. */
class DopplerCommandLineTest extends ServerCommandLineContract {
    @Override
    protected String mainClass() {
        return DopplerNode.MAIN_CLASS;
    }

    @Override
    protected String name() {
        return "doppler";
    }

    @Override
    protected String manifestListeningOn(int portInUse) {
        return DopplerNode.builder().name("port-in-use").port("grpc_port", portInUse).manifestYaml();
    }

    @Test
    void anIndexThatIsNotANumberIsOneShortLineOnStderrAndExitStatus2() {
        String error = oneErrorLine(run("--manifest", "unused.yml", "--index", "one"));
        assertTrue(error.startsWith("doppler: Invalid value for option '--index': 'one' is not an int; usage: doppler "), error);
    }
}
