package dev.loggregator.e2e.demo;

import dev.loggregator.e2e.ingress.V2Envelopes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * One demo app: what it logs per tick (its own kind of OUT lines, occasional ERR lines and
 * multi-line stack traces, router access lines for web apps), plus a container metric per instance
 * every 5 s and a request counter every second.
 */
final class DemoApp {
    // Where deploy/dev.yml's demo drain binding says the app lives (its hostname demo-org.dev.demo).
    private static final String ORG = "demo-org";
    private static final String SPACE = "dev";
    private static final String[] PATHS = {"/", "/products", "/products/42", "/cart", "/checkout", "/health"};

    private enum Kind { WEB, WORKER, CRON }

    private final String name;
    private final String appId;
    private final Kind kind;
    private final int instances;
    private double owedLines;
    private long sequence;
    private long requestsTotal;
    private long lastMetricsMillis;
    private long lastCounterMillis;

    private DemoApp(String name, Kind kind, int instances) {
        this.name = name;
        this.appId = DemoApps.guid(name);
        this.kind = kind;
        this.instances = instances;
    }

    static DemoApp web(String name, int instances) {
        return new DemoApp(name, Kind.WEB, instances);
    }

    static DemoApp worker(String name) {
        return new DemoApp(name, Kind.WORKER, 1);
    }

    static DemoApp cron(String name) {
        return new DemoApp(name, Kind.CRON, 1);
    }

    /** The app's GUID, what drains are bound to. */
    String appId() {
        return appId;
    }

    String name() {
        return name;
    }

    List<Envelope> tick(long nowMillis, double lines) {
        List<Envelope> batch = new ArrayList<>();
        owedLines += kind == Kind.CRON ? lines / 8 : lines;
        long nanos = nowMillis * 1_000_000L;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long requestsThisTick = 0;
        while (owedLines >= 1) {
            owedLines -= 1;
            sequence++;
            String instance = Integer.toString((int) (sequence % instances));
            nanos++;
            switch (kind) {
                case WEB -> {
                    String path = PATHS[random.nextInt(PATHS.length)];
                    int millis = 2 + random.nextInt(80);
                    int status = random.nextInt(40) == 0 ? 500 : 200;
                    requestsThisTick++;
                    batch.add(V2Envelopes.log(appId, instance, "RTR", Log.Type.OUT,
                            name + ".localhost - [" + java.time.Instant.ofEpochMilli(nowMillis) + "] \"GET " + path
                                    + " HTTP/1.1\" " + status + " 0 " + (200 + random.nextInt(4000))
                                    + " \"-\" \"curl/8.5.0\" response_time:" + millis / 1000.0, nanos));
                    nanos++;
                    if (status == 500) {
                        batch.add(V2Envelopes.log(appId, instance, "APP/PROC/WEB", Log.Type.ERR, javaStackTrace(path), nanos));
                    } else {
                        batch.add(V2Envelopes.log(appId, instance, "APP/PROC/WEB", Log.Type.OUT,
                                "request #" + sequence + " GET " + path + " completed in " + millis + " ms", nanos));
                    }
                }
                case WORKER -> {
                    if (sequence % 15 == 0) {
                        batch.add(V2Envelopes.log(appId, instance, "APP/PROC/WORKER", Log.Type.ERR, pythonTraceback(sequence), nanos));
                    } else if (sequence % 7 == 0) {
                        batch.add(V2Envelopes.log(appId, instance, "APP/PROC/WORKER", Log.Type.ERR,
                                "job #" + sequence + " timed out, retrying (attempt 2 of 3)", nanos));
                    } else {
                        batch.add(V2Envelopes.log(appId, instance, "APP/PROC/WORKER", Log.Type.OUT,
                                "processed job #" + sequence + " in " + (5 + random.nextInt(200)) + " ms", nanos));
                    }
                }
                case CRON -> batch.add(V2Envelopes.log(appId, instance, "APP/PROC/CRON", Log.Type.OUT,
                        "cron: report-" + sequence + " finished, " + random.nextInt(1000) + " rows exported", nanos));
                default -> throw new IllegalStateException();
            }
        }
        requestsTotal += requestsThisTick;
        if (nowMillis - lastMetricsMillis >= 5000) {
            lastMetricsMillis = nowMillis;
            for (int i = 0; i < instances; i++) {
                batch.add(V2Envelopes.containerMetric(appId, i, 2 + random.nextDouble() * 30,
                        (180L << 20) + random.nextInt(40 << 20), (90L << 20) + i * (1L << 20), nanos + i));
            }
        }
        if (nowMillis - lastCounterMillis >= 1000) {
            lastCounterMillis = nowMillis;
            batch.add(V2Envelopes.counter(appId, "requests", requestsThisTick, requestsTotal, nanos));
        }
        // The app's org, space and name travel in tags, as Diego cells send them (a syslog drain's
        // hostname is made of them); the id is the GUID.
        batch.replaceAll(envelope -> envelope.toBuilder().putTags("organization_name", ORG).putTags("space_name", SPACE)
                .putTags("app_name", name).build());
        return batch;
    }

    private String javaStackTrace(String path) {
        return "java.lang.IllegalStateException: inventory service unavailable for GET " + path + "\n"
                + "\tat com.example.shop.InventoryClient.fetch(InventoryClient.java:88)\n"
                + "\tat com.example.shop.ProductController.show(ProductController.java:41)\n"
                + "\tat java.base/java.lang.Thread.run(Thread.java:840)";
    }

    private String pythonTraceback(long job) {
        return "Traceback (most recent call last):\n"
                + "  File \"/app/worker.py\", line 52, in run\n"
                + "    process(job_id=" + job + ")\n"
                + "  File \"/app/jobs.py\", line 17, in process\n"
                + "    raise ValueError(\"malformed payload\")\n"
                + "ValueError: malformed payload";
    }
}
