package dev.loggregator.gateway.http;

import dev.loggregator.manifest.GatewaySection;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Locale;

/**
 * gzip for responses whose type is worth compressing ({@code gzip.types} prefixes), at least
 * {@code gzip.min_bytes} long when the length is known, to clients that accept gzip. Netty's
 * compressor already leaves alone responses the backend encoded itself, 1xx/204/304, and HEAD.
 */
final class CompressibleContentCompressor extends HttpContentCompressor {
    private final List<String> types;
    private final long minBytes;

    CompressibleContentCompressor(GatewaySection.Gzip gzip) {
        super(gzip.minBytes(), StandardCompressionOptions.gzip(gzip.level(), 15, 8));
        this.types = gzip.types();
        this.minBytes = gzip.minBytes();
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return null;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        if (types.stream().noneMatch(lower::startsWith)) {
            return null;
        }
        String length = response.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) < minBytes) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return super.beginEncode(response, acceptEncoding);
    }
}
