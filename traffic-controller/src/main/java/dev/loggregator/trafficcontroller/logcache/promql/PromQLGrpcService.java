package dev.loggregator.trafficcontroller.logcache.promql;

import dev.loggregator.trafficcontroller.promql.Expr;
import dev.loggregator.trafficcontroller.promql.PromQLException;
import dev.loggregator.trafficcontroller.promql.QueryParser;
import dev.loggregator.trafficcontroller.promql.QueryResult;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.cloudfoundry.logcache.v1.LogCachePromQL.PromQL;
import org.cloudfoundry.logcache.v1.PromQLQuerierGrpc;

/**
 * Log Cache's gRPC {@code logcache.v1.PromQLQuerier} (log-cache-release {@code promql/promql.go}), as
 * platform clients such as Cloud Controller call it over mutual TLS: trusted by certificate, no token,
 * no app-name expansion. Times are strings of seconds with three decimals; every failure is a plain Go
 * error to gRPC, status UNKNOWN with the engine's message.
 */
public final class PromQLGrpcService extends PromQLQuerierGrpc.PromQLQuerierImplBase {
    private final PromQLQueries queries;

    public PromQLGrpcService(PromQLQueries queries) {
        this.queries = queries;
    }

    @Override
    public void instantQuery(PromQL.InstantQueryRequest request, StreamObserver<PromQL.InstantQueryResult> response) {
        CompletableFuture<QueryResult> result;
        try {
            long time = request.getTime().isEmpty() ? QueryTimes.now() : QueryTimes.parseTime(request.getTime());
            result = queries.instant(QueryParser.parse(request.getQuery()), time);
        } catch (PromQLException | IllegalArgumentException e) {
            response.onError(unknown(e));
            return;
        }
        result.whenComplete((answer, error) -> {
            if (error != null) {
                response.onError(unknown(error));
                return;
            }
            PromQL.InstantQueryResult.Builder out = PromQL.InstantQueryResult.newBuilder();
            if (answer instanceof QueryResult.Scalar scalar) {
                out.setScalar(PromQL.Scalar.newBuilder().setTime(QueryTimes.format(scalar.time())).setValue(scalar.value()));
            } else if (answer instanceof QueryResult.Vector vector) {
                PromQL.Vector.Builder samples = PromQL.Vector.newBuilder();
                for (QueryResult.Sample sample : vector.samples()) {
                    samples.addSamples(PromQL.Sample.newBuilder().putAllMetric(sample.labels().toMap())
                            .setPoint(point(sample.time(), sample.value())));
                }
                out.setVector(samples);
            } else {
                out.setMatrix(matrix((QueryResult.Matrix) answer));
            }
            response.onNext(out.build());
            response.onCompleted();
        });
    }

    @Override
    public void rangeQuery(PromQL.RangeQueryRequest request, StreamObserver<PromQL.RangeQueryResult> response) {
        CompletableFuture<QueryResult> result;
        try {
            long step = parse("step", request.getStep(), true);
            long start = parse("start", request.getStart(), false);
            long end = parse("end", request.getEnd(), false);
            Expr expr = QueryParser.parse(request.getQuery());
            result = queries.range(expr, start, end, step);
        } catch (PromQLException | IllegalArgumentException e) {
            response.onError(unknown(e));
            return;
        }
        result.whenComplete((answer, error) -> {
            if (error != null) {
                response.onError(unknown(error));
                return;
            }
            response.onNext(PromQL.RangeQueryResult.newBuilder().setMatrix(matrix((QueryResult.Matrix) answer)).build());
            response.onCompleted();
        });
    }

    private static long parse(String what, String text, boolean step) {
        try {
            return step ? QueryTimes.parseStep(text) : QueryTimes.parseTime(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("couldn't parse " + what + ": " + e.getMessage());
        }
    }

    private static PromQL.Matrix.Builder matrix(QueryResult.Matrix matrix) {
        PromQL.Matrix.Builder out = PromQL.Matrix.newBuilder();
        for (QueryResult.Series series : matrix.series()) {
            PromQL.Series.Builder points = PromQL.Series.newBuilder().putAllMetric(series.labels().toMap());
            for (int i = 0; i < series.times().length; i++) {
                points.addPoints(point(series.times()[i], series.values()[i]));
            }
            out.addSeries(points);
        }
        return out;
    }

    private static PromQL.Point point(long time, double value) {
        return PromQL.Point.newBuilder().setTime(QueryTimes.format(time)).setValue(value).build();
    }

    private static RuntimeException unknown(Throwable error) {
        return Status.UNKNOWN.withDescription(PromQLEndpoint.message(error)).asRuntimeException();
    }
}
