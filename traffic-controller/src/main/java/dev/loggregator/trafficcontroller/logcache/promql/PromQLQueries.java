package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.dopplers.DopplerDirectory;
import dev.loggregator.trafficcontroller.dopplers.DopplerHttp;
import dev.loggregator.trafficcontroller.promql.Evaluator;
import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.PromQLException;
import dev.loggregator.trafficcontroller.promql.QueryResult;
import dev.loggregator.trafficcontroller.promql.RawSeries;
import dev.loggregator.trafficcontroller.promql.Steps;
import dev.loggregator.trafficcontroller.promql.ValueType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs PromQL queries over Log Cache: plans what each selector reads, fetches those samples from every
 * Doppler at once, and evaluates on a small bounded pool (never on an event loop), within the query
 * timeout and sample limit. Errors carry Prometheus's and Log Cache's messages.
 */
public final class PromQLQueries implements AutoCloseable {
    /** Prometheus's limit on the points of one series of a range query. */
    static final int MAX_STEPS = 11_000;
    /** Steps times samples below which a query is evaluated on the thread its samples arrived on. */
    private static final long INLINE_WORK = 10_000;

    private final DopplerSeries dopplers;
    private final long maxSamples;
    private final Duration timeout;
    private final ExecutorService evaluation;
    private final PromQLMetrics metrics;

    public PromQLQueries(DopplerDirectory directory, DopplerHttp http, long maxSamples, Duration timeout,
                         PrometheusRegistry registry) {
        this.dopplers = new DopplerSeries(directory, http);
        this.maxSamples = maxSamples;
        this.timeout = timeout;
        AtomicInteger threads = new AtomicInteger();
        this.evaluation = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), runnable -> {
            Thread thread = new Thread(runnable, "tc-promql-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.metrics = new PromQLMetrics(registry);
    }

    /** An instant query at {@code time} (milliseconds). */
    public CompletableFuture<QueryResult> instant(Expr expr, long time) {
        return run(expr, Steps.instant(time));
    }

    /** A range query; the expression must be a scalar or an instant vector, as Prometheus requires. */
    public CompletableFuture<QueryResult> range(Expr expr, long start, long end, long step) {
        if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
            return CompletableFuture.failedFuture(PromQLException.parse("invalid expression type \""
                    + expr.type().documented() + "\" for range query, must be Scalar or instant Vector"));
        }
        if (step <= 0) {
            return CompletableFuture.failedFuture(PromQLException.parse(
                    "zero or negative query resolution step widths are not accepted. Try a positive integer"));
        }
        Steps steps = new Steps(start, end, step);
        if (end >= start && (end - start) / step >= MAX_STEPS) {
            return CompletableFuture.failedFuture(PromQLException.parse("exceeded maximum resolution of 11,000 points "
                    + "per timeseries. Try decreasing the query resolution (?step=XX)"));
        }
        return run(expr, steps);
    }

    private CompletableFuture<QueryResult> run(Expr expr, Steps steps) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        List<LogCacheSelections.Selected> selected;
        try {
            selected = LogCacheSelections.plan(expr, steps);
        } catch (PromQLException e) {
            metrics.failed(steps.isInstant());
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<QueryResult> result = dopplers.fetch(selected, maxSamples).thenCompose(data -> {
            // A small query (an instant query of a few series) is cheaper to evaluate where its samples arrived than to hand over.
            if (steps.count() * (long) samples(data) <= INLINE_WORK) {
                return CompletableFuture.completedFuture(Evaluator.evaluate(expr, steps, data, maxSamples, deadline));
            }
            return CompletableFuture.supplyAsync(() -> Evaluator.evaluate(expr, steps, data, maxSamples, deadline), evaluation);
        }).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return result.handle((answer, error) -> {
            if (error == null) {
                metrics.took(steps.isInstant(), System.nanoTime() - started);
                return answer;
            }
            metrics.failed(steps.isInstant());
            throw new CompletionException(translate(error));
        });
    }

    private static long samples(Map<Expr.VectorSelector, List<RawSeries>> data) {
        long samples = 0;
        for (List<RawSeries> series : data.values()) {
            for (RawSeries one : series) {
                samples += one.size();
            }
        }
        return samples;
    }

    private static Throwable translate(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return PromQLException.execution("query timed out in query execution");
        }
        if (cause instanceof RejectedExecutionException) {
            return PromQLException.execution("too many queries in progress");
        }
        return cause;
    }

    @Override
    public void close() {
        evaluation.shutdownNow();
    }
}
