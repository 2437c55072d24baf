package dev.loggregator.health;

import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /metrics} request handed to the Prometheus client's own scrape handler (format negotiation,
 * gzip, {@code name[]} filters), its body gathered in a buffer and sent whole when the handler closes the exchange.
 */
final class ScrapeExchange implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeExchange.class);

    private final FullHttpRequest request;
    private final Consumer<FullHttpResponse> sender;
    private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
    private FullHttpResponse response;

    ScrapeExchange(FullHttpRequest request, Consumer<FullHttpResponse> sender) {
        this.request = request;
        this.sender = sender;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return this;
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return this;
    }

    @Override
    public String getQueryString() {
        int query = request.uri().indexOf('?');
        return query < 0 ? null : request.uri().substring(query + 1);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(request.headers().getAll(name));
    }

    @Override
    public String getMethod() {
        return request.method().name();
    }

    @Override
    public String getRequestPath() {
        return new QueryStringDecoder(request.uri()).path();
    }

    @Override
    public void setHeader(String name, String value) {
        responseHeaders.set(name, value);
    }

    @Override
    public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(statusCode),
                Unpooled.buffer(Math.max(contentLength, 256)));
        response.headers().set(responseHeaders);
        return new ByteBufOutputStream(response.content());
    }

    @Override
    public void handleException(IOException e) {
        fail(e);
    }

    @Override
    public void handleException(RuntimeException e) {
        fail(e);
    }

    private void fail(Exception e) {
        LOG.warn("metrics scrape failed", e);
        if (response != null) {
            response.release();
        }
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                Unpooled.copiedBuffer("metrics scrape failed: " + e.getMessage() + "\n", StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (response != null) {
            FullHttpResponse answer = response;
            response = null;
            sender.accept(answer);
        }
    }
}
