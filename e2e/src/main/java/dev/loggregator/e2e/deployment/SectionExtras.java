package dev.loggregator.e2e.deployment;

/** YAML lines a test or benchmark adds to the doppler, traffic_controller and gateway sections of a generated manifest. */
final class SectionExtras {
    private final StringBuilder doppler = new StringBuilder();
    private final StringBuilder trafficController = new StringBuilder();
    private final StringBuilder gateway = new StringBuilder();

    void doppler(String yamlLines) {
        indent(doppler, yamlLines);
    }

    void trafficController(String yamlLines) {
        indent(trafficController, yamlLines);
    }

    void gateway(String yamlLines) {
        indent(gateway, yamlLines);
    }

    String doppler() {
        return doppler.toString();
    }

    String trafficController() {
        return trafficController.toString();
    }

    String gateway() {
        return gateway.toString();
    }

    private static void indent(StringBuilder section, String yamlLines) {
        section.append("  ").append(yamlLines).append('\n');
    }
}
