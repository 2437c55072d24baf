package dev.loggregator.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses the gateway makes itself: a short text body and {@code X-Gateway-Error} naming the reason. */
public final class GatewayErrors {
    public static final String HEADER = "X-Gateway-Error";

    private GatewayErrors() {
    }

    /**
     * The error for a request made with {@code method}. A HEAD gets the head alone (its
     * {@code Content-Length} as for a GET): the client reads no body, and the response encoder,
     * which does not know the request, would otherwise send one that the client then takes for
     * the next response on the connection.
     */
    public static FullHttpResponse response(HttpMethod method, HttpResponseStatus status, String reason, boolean close) {
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + reason + "\n").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                HttpMethod.HEAD.equals(method) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HEADER, reason);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** The same as raw bytes, for refusing a connection before any HTTP handler runs. */
    public static byte[] raw(HttpResponseStatus status, String reason) {
        String body = status.code() + " " + status.reasonPhrase() + ": " + reason + "\n";
        return ("HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + HEADER + ": " + reason + "\r\n"
                + "Connection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }
}
