package dev.loggregator.e2e.launcher;

/**
 * The kinds of process a deployment runs. The three servers are the modules' shaded jars; the demo
 * emitter is a main class of this module and runs on the launcher's own classpath.
 */
public enum ComponentKind {
    DOPPLER("doppler", "doppler.jar", "dev.loggregator.doppler.DopplerMain"),
    TRAFFIC_CONTROLLER("traffic-controller", "traffic-controller.jar",
            "dev.loggregator.trafficcontroller.TrafficControllerMain"),
    GATEWAY("gateway", "gateway.jar", "dev.loggregator.gateway.GatewayMain"),
    DEMO_EMITTER("e2e", null, "dev.loggregator.e2e.demo.DemoEmitter");

    private final String module;
    private final String jarName;
    private final String mainClass;

    ComponentKind(String module, String jarName, String mainClass) {
        this.module = module;
        this.jarName = jarName;
        this.mainClass = mainClass;
    }

    /** The Maven module (directory under the repository root) that builds it. */
    public String module() {
        return module;
    }

    /** The runnable jar in {@code <module>/target/}, or null for a main class run from the launcher's classpath. */
    public String jarName() {
        return jarName;
    }

    public String mainClass() {
        return mainClass;
    }

    public boolean runsFromJar() {
        return jarName != null;
    }
}
