package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** What the scenarios of one run share: the options, the peak RSS seen under load, and the baseline ceiling. */
final class BenchContext {
    final double stepSeconds;
    final List<String> componentJvmArgs;
    private final Map<String, Long> peakRss = new LinkedHashMap<>();
    /** Scenario 1's loss-free ceiling (envelopes/s), the baseline of the v2 scenarios; null until measured. */
    private Double v1FirehoseCeiling;

    BenchContext(double stepSeconds, List<String> componentJvmArgs) {
        this.stepSeconds = stepSeconds;
        this.componentJvmArgs = List.copyOf(componentJvmArgs);
    }

    static HttpClient httpClient(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    static List<ManagedProcess> processes(LoopbackDeployment deployment, String namePrefix) {
        return deployment.system().processes().stream().filter(p -> p.name().startsWith(namePrefix)).toList();
    }

    static List<ManagedProcess> dopplers(LoopbackDeployment deployment) {
        return processes(deployment, "doppler-");
    }

    static List<ManagedProcess> trafficControllers(LoopbackDeployment deployment) {
        return processes(deployment, "traffic-controller-");
    }

    /** Records each component's RSS if it is the highest seen (scenario 4 reports the peaks). */
    void sampleRss(LoopbackDeployment deployment) {
        for (ManagedProcess process : deployment.system().processes()) {
            peakRss.merge(process.name() + " MiB", Rss.of(process.pid()), Math::max);
        }
    }

    Map<String, Long> peakRss() {
        return peakRss;
    }

    void v1FirehoseCeiling(double ceiling) {
        v1FirehoseCeiling = ceiling;
    }

    Double v1FirehoseCeiling() {
        return v1FirehoseCeiling;
    }
}
