package dev.loggregator.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.testsupport.ServerCommandLineContract;
import org.junit.jupiter.api.Test;

/** {@code gateway --manifest FILE}, {@code --help}, {@code --version}, refused command lines: the real process. */
class GatewayCommandLineTest extends ServerCommandLineContract {
    @Override
    protected String mainClass() {
        return GatewayMain.class.getName();
    }

    @Override
    protected String name() {
        return "gateway";
    }

    @Override
    protected String manifestListeningOn(int portInUse) {
        return RunningGateway.manifest(portInUse, FreePorts.next(), "", false);
    }

    @Test
    void theGatewayHasNoIndex() {
        String error = oneErrorLine(run("--manifest", "unused.yml", "--index", "0"));
        assertTrue(error.startsWith("gateway: Unknown options: '--index', '0'; usage: gateway [-hV] --manifest=FILE"), error);
    }
}
