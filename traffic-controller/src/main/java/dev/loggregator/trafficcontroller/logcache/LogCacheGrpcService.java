package dev.loggregator.trafficcontroller.logcache;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.logcache.LogCacheLink;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import org.cloudfoundry.logcache.v1.EgressGrpc;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaRequest;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaResponse;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadResponse;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/**
 * Log Cache's gRPC {@code logcache.v1.Egress} (Read, Meta) as platform clients such as Cloud Controller
 * call it over mutual TLS: trusted by certificate, no token. A read Log Cache refuses ends with its
 * message and status UNKNOWN, as a plain Go error does; no Doppler answering is UNAVAILABLE.
 */
public final class LogCacheGrpcService extends EgressGrpc.EgressImplBase {
    private final LogCacheQueries queries;

    public LogCacheGrpcService(LogCacheQueries queries) {
        this.queries = queries;
    }

    @Override
    public void read(ReadRequest request, StreamObserver<ReadResponse> response) {
        int limit = request.getLimit() == 0 ? 100 : (int) Math.max(0, Math.min(request.getLimit(), Integer.MAX_VALUE));
        queries.read(request, false, limit).whenComplete((records, error) -> {
            if (error != null) {
                response.onError(status(error));
                return;
            }
            EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
            try {
                for (LogCacheLink.Record record : records) {
                    batch.addBatch(Envelope.parseFrom(ByteBuffer.wrap(record.body(), record.offset(), record.length())));
                }
            } catch (InvalidProtocolBufferException e) {
                response.onError(Status.INTERNAL.withDescription("a Doppler answered a malformed envelope").asRuntimeException());
                return;
            }
            response.onNext(ReadResponse.newBuilder().setEnvelopes(batch).build());
            response.onCompleted();
        });
    }

    @Override
    public void meta(MetaRequest request, StreamObserver<MetaResponse> response) {
        queries.meta().whenComplete((meta, error) -> {
            if (error != null) {
                response.onError(status(error));
                return;
            }
            response.onNext(MetaResponse.newBuilder().putAllMeta(meta).build());
            response.onCompleted();
        });
    }

    private static RuntimeException status(Throwable error) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof LogCacheQueries.Refused) {
            return Status.UNKNOWN.withDescription(cause.getMessage()).asRuntimeException();
        }
        if (cause instanceof LogCacheQueries.Unavailable) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage()).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause)).asRuntimeException();
    }
}
