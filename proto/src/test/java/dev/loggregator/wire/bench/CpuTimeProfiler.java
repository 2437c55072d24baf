package dev.loggregator.wire.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Operations per second of CPU time spent by the benchmark's worker threads ({@code -prof
 * dev.loggregator.wire.bench.CpuTimeProfiler}). The development machine has two cores shared by
 * several builds, so the wall-clock throughput of a single-threaded benchmark mostly measures how
 * much of a core it was given; the workers' CPU time is what an operation costs on one core
 * (JIT and GC threads excluded).
 */
public class CpuTimeProfiler implements InternalProfiler {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    @Override
    public String getDescription() {
        return "operations per CPU-second of the benchmark worker threads";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = workerCpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpuNanos = 0;
        for (Map.Entry<Long, Long> worker : workerCpuNanos().entrySet()) {
            cpuNanos += worker.getValue() - before.getOrDefault(worker.getKey(), 0L);
        }
        long operations = result.getMetadata().getMeasuredOps();
        return List.of(new ScalarResult("cpu.ops", operations / (cpuNanos / 1e9), "ops/cpu-s", AggregationPolicy.AVG));
    }

    /** CPU time by thread id of JMH's worker threads (they live across the iterations of a fork). */
    private Map<Long, Long> workerCpuNanos() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("jmh-worker")) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }
}
