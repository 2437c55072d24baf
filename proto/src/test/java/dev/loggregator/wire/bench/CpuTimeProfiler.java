package dev.loggregator.wire.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Operations per second of CPU time used by the benchmark JVM ({@code -prof
 * dev.loggregator.wire.bench.CpuTimeProfiler}). The development machine has two cores shared by
 * several builds, so wall-clock throughput of a single-threaded benchmark mostly measures how
 * much of a core it was given; CPU time is what one operation costs on one core. It counts the
 * whole process (JIT and GC threads too), so it errs on the low side.
 */
public class CpuTimeProfiler implements InternalProfiler {
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startCpuNanos;

    @Override
    public String getDescription() {
        return "operations per CPU-second of the benchmark process";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startCpuNanos = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        double cpuSeconds = (os.getProcessCpuTime() - startCpuNanos) / 1e9;
        long operations = result.getMetadata().getMeasuredOps();
        return List.of(new ScalarResult("cpu.ops", operations / cpuSeconds, "ops/cpu-s", AggregationPolicy.AVG));
    }
}
