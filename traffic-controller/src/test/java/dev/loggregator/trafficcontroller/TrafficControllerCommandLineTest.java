package dev.loggregator.trafficcontroller;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.testsupport.ServerCommandLineContract;
import dev.loggregator.trafficcontroller.support.Cluster;
import org.junit.jupiter.api.Test;

/** {@code traffic-controller --manifest FILE [--index N]}, {@code --help}, {@code --version}, refused command lines: the real process. */
class TrafficControllerCommandLineTest extends ServerCommandLineContract {
    @Override
    protected String mainClass() {
        return Cluster.TC_MAIN;
    }

    @Override
    protected String name() {
        return "traffic-controller";
    }

    @Override
    protected String manifestListeningOn(int portInUse) {
        return "traffic_controller:\n  instances: [{port: " + portInUse + ", health_port: " + FreePorts.next() + "}]\n"
                + "  auth: {disable_access_control: true}\n";
    }

    @Test
    void anIndexThatIsNotANumberIsOneShortLineOnStderrAndExitStatus2() {
        String error = oneErrorLine(run("--manifest", "unused.yml", "--index", "one"));
        assertTrue(error.startsWith("traffic-controller: Invalid value for option '--index': 'one' is not an int; usage: "), error);
    }
}
