package dev.loggregator.gateway.http;

import dev.loggregator.manifest.GatewaySection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Queue;

/**
 * gzip for responses whose type is worth compressing ({@code gzip.types} prefixes), at least
 * {@code gzip.min_bytes} long when the length is known, to clients that accept gzip. Netty's
 * compressor already leaves alone responses the backend encoded itself, 1xx/204/304, and HEAD.
 * Also left alone: answers to HTTP/1.0 clients (a compressed body of unknown length needs chunked
 * encoding, which they cannot read), 206 (its {@code Content-Range} counts uncompressed bytes) and
 * {@code Cache-Control: no-transform} (RFC 9111 §5.2.2.6). A compressed response says
 * {@code Vary: Accept-Encoding}, so caches do not hand it to clients without gzip.
 */
final class CompressibleContentCompressor extends HttpContentCompressor {
    private final List<String> types;
    private final long minBytes;
    /** Versions of the requests still to be answered, oldest first. */
    private final Queue<HttpVersion> requestVersions = new ArrayDeque<>();
    private HttpVersion clientVersion;

    CompressibleContentCompressor(GatewaySection.Gzip gzip) {
        super(gzip.minBytes(), StandardCompressionOptions.gzip(gzip.level(), 15, 8));
        this.types = gzip.types();
        this.minBytes = gzip.minBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpRequest msg, List<Object> out) throws Exception {
        requestVersions.add(msg.protocolVersion());
        super.decode(ctx, msg, out);
    }

    /**
     * The proxy writes every response as HTTP/1.1, so only the request tells an HTTP/1.0 client.
     * Its version is taken when the superclass takes the request's {@code Accept-Encoding}: at
     * each final (non-1xx) response head.
     */
    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            clientVersion = requestVersions.poll();
        }
        super.encode(ctx, msg, out);
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        if (!worthCompressing(response)) {
            return null;
        }
        Result result = super.beginEncode(response, acceptEncoding);
        if (result != null) {
            varyOnAcceptEncoding(response.headers());
        }
        return result;
    }

    private boolean worthCompressing(HttpResponse response) {
        HttpHeaders headers = response.headers();
        if (HttpVersion.HTTP_1_0.equals(clientVersion)
                || response.status().code() == HttpResponseStatus.PARTIAL_CONTENT.code()
                || headers.containsValue(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_TRANSFORM, true)) {
            return false;
        }
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        if (types.stream().noneMatch(lower::startsWith)) {
            return false;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                return Long.parseLong(length.trim()) >= minBytes;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static void varyOnAcceptEncoding(HttpHeaders headers) {
        if (headers.containsValue(HttpHeaderNames.VARY, "*", false)
                || headers.containsValue(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING, true)) {
            return;
        }
        List<String> vary = headers.getAll(HttpHeaderNames.VARY);
        headers.set(HttpHeaderNames.VARY, vary.isEmpty() ? "Accept-Encoding" : String.join(", ", vary) + ", Accept-Encoding");
    }
}
