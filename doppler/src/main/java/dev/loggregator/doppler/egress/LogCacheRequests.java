package dev.loggregator.doppler.egress;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.doppler.logcache.LogCacheReads;
import dev.loggregator.doppler.logcache.SeriesReads;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesRequest;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesResponse;
import io.netty.buffer.ByteBufUtil;
import dev.loggregator.wire.logcache.LogCacheLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaResponse;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;

/**
 * The Log Cache part of the internal protocol (docs/internal-protocol.md): {@code GET /logcache/read}
 * answers a read from this Doppler's store as a batch of timestamped records, {@code GET /logcache/meta}
 * its per-source counts as a marshalled {@code logcache.v1.MetaResponse}, {@code POST /logcache/series}
 * the samples of a PromQL query's selectors. A request the store refuses is
 * a 400 carrying Log Cache's own message, which the Traffic Controller passes on.
 */
final class LogCacheRequests {
    private final LogCacheReads reads;

    LogCacheRequests(LogCacheReads reads) {
        this.reads = reads;
    }

    FullHttpResponse read(ByteBufAllocator alloc, Map<String, List<String>> parameters) {
        LogCacheLink.Read read;
        try {
            read = LogCacheLink.parseRead(parameters);
        } catch (IllegalArgumentException e) {
            return text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        ReadRequest request = read.request();
        ByteBuf body = alloc.buffer();
        try {
            reads.readInto(request, read.json(), System.currentTimeMillis() * 1_000_000L, body);
        } catch (IllegalArgumentException e) {
            body.release();
            return text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, EgressRequestHandler.BATCH_CONTENT_TYPE);
        return response;
    }

    /** {@code POST /logcache/series}: the samples a PromQL query needs (docs/internal-protocol.md). */
    FullHttpResponse series(ByteBuf body) {
        SeriesResponse answer;
        try {
            answer = new SeriesReads(reads.store()).read(SeriesRequest.parseFrom(ByteBufUtil.getBytes(body)));
        } catch (InvalidProtocolBufferException e) {
            return text(HttpResponseStatus.BAD_REQUEST, "not a SeriesRequest: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(answer.toByteArray()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
        return response;
    }

    FullHttpResponse meta() {
        byte[] meta = MetaResponse.newBuilder().putAllMeta(reads.store().meta()).build().toByteArray();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(meta));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        return response;
    }
}
