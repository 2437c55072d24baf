package dev.loggregator.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder made strict where a proxy must be (request smuggling: RFC 9112 §6.3,
 * §11.2) and made to decode one request at a time.
 *
 * <p>Strict: a request with both {@code Content-Length} and {@code Transfer-Encoding}, a
 * {@code Transfer-Encoding} other than exactly {@code chunked}, repeated {@code Host} headers or an
 * obs-fold (a header line continued on the next line) is marked failed, instead of being
 * "repaired" in a way the backend might read differently. Netty itself fails differing
 * {@code Content-Length}s, bad chunk sizes and oversized heads.
 *
 * <p>One at a time: after each complete request the decoder stops until {@link #resume} is called,
 * leaving pipelined bytes undecoded. The proxy answers requests in order, and when a handshake
 * turns into a tunnel the bytes after it are still raw and go to the backend untouched.
 */
public final class GatewayRequestDecoder extends HttpRequestDecoder {
    private boolean paused;
    private boolean rejected;
    private boolean inHead = true;
    private boolean requestLineSeen;
    private boolean contentLengthWithChunked;
    /** The client's FIN, held while pipelined requests still wait behind a paused decoder. */
    private boolean inputShutdownHeld;
    /** When the first byte of the head being decoded arrived; 0 between requests. */
    private long headStartedNanos;

    public GatewayRequestDecoder(int maxRequestLineBytes, int maxHeaderBytes) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxRequestLineBytes)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(65_536)
                .setValidateHeaders(true)
                .setStrictLineParsing(true));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (paused) {
            // Bytes after a complete request (pipelined, or sent early behind a handshake) wait
            // here, and reading stops until the exchange is over; turned off only now, because
            // switching reads off and on for every request costs two epoll_ctl calls.
            ctx.channel().config().setAutoRead(false);
            return;
        }
        int start = in.readerIndex();
        if (inHead && headStartedNanos == 0 && in.isReadable()) {
            headStartedNanos = System.nanoTime();
            ctx.fireUserEventTriggered(RequestHeadStarted.INSTANCE);
        }
        if (inHead && hasObsFold(in)) {
            reject(in, out, "obs-fold (folded header line)");
            return;
        }
        int firstOut = out.size();
        super.decode(ctx, in, out);
        if (!requestLineSeen) {
            for (int i = start; i < in.readerIndex(); i++) {
                byte b = in.getByte(i);
                if (b != '\r' && b != '\n') {
                    requestLineSeen = true;
                    break;
                }
            }
        }
        for (int i = firstOut; i < out.size(); i++) {
            Object message = out.get(i);
            if (message instanceof HttpRequest request) {
                inHead = false;
                headStartedNanos = 0;
                if (request.decoderResult().isSuccess()) {
                    String problem = framingProblem(request);
                    if (problem != null) {
                        request.setDecoderResult(DecoderResult.failure(new BadRequestException(problem)));
                    }
                }
                if (request.decoderResult().isFailure()) {
                    rejected = true;
                }
            }
            if (message instanceof LastHttpContent last) {
                if (last.decoderResult().isFailure()) {
                    rejected = true;
                }
                paused = true;
                inHead = true;
                requestLineSeen = false;
                contentLengthWithChunked = false;
            }
        }
        if (rejected) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** A line that starts with SP or HTAB inside the head, before the empty line that ends it. */
    private boolean hasObsFold(ByteBuf in) {
        // The decoder only ever consumes whole lines, so readerIndex is at the start of a line.
        boolean lineStart = true;
        boolean beforeRequestLine = !requestLineSeen;
        for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
            byte b = in.getByte(i);
            if (lineStart) {
                if (beforeRequestLine) {
                    if (b == '\r' || b == '\n') {
                        continue;
                    }
                    beforeRequestLine = false;
                } else if (b == ' ' || b == '\t') {
                    return true;
                } else if (b == '\n' || (b == '\r' && i + 1 < in.writerIndex() && in.getByte(i + 1) == '\n')) {
                    return false;
                }
                lineStart = false;
            }
            if (b == '\n') {
                lineStart = true;
            }
        }
        return false;
    }

    private String framingProblem(HttpRequest request) {
        List<String> transferEncodings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!transferEncodings.isEmpty()) {
            if (contentLengthWithChunked || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
            if (transferEncodings.size() > 1 || !transferEncodings.get(0).trim().equalsIgnoreCase("chunked")) {
                return "unsupported Transfer-Encoding (only a single 'chunked' is accepted)";
            }
        }
        if (request.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            return "more than one Host header";
        }
        return null;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Netty would drop Content-Length and go on; a proxy must refuse instead (the backend may
        // frame the body by Content-Length and read the rest as a second, smuggled request).
        contentLengthWithChunked = true;
    }

    private void reject(ByteBuf in, List<Object> out, String reason) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        DefaultFullHttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request",
                Unpooled.EMPTY_BUFFER);
        invalid.setDecoderResult(DecoderResult.failure(new BadRequestException(reason)));
        out.add(invalid);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            // Skip ByteToMessageDecoder's "nothing decoded, read more" so a paused connection
            // really stops reading instead of buffering whatever the client pipelines.
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    /**
     * A client that pipelines requests and then ends its output (as {@code printf ... | nc -N}
     * does) must get every answer: the decoder would drop its buffer at the FIN, and the proxy
     * would close after the request in flight. So the FIN waits until the buffered requests are
     * decoded, and goes on after the last of them.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && waitingRequests()) {
            inputShutdownHeld = true;
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private boolean waitingRequests() {
        return paused && internalBuffer().isReadable();
    }

    /** Decodes the next request, from bytes already buffered if any; {@code ctx} is this decoder's context. */
    public void resume(ChannelHandlerContext ctx) throws Exception {
        paused = false;
        if (internalBuffer().isReadable()) {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        }
        if (inputShutdownHeld && !waitingRequests()) {
            inputShutdownHeld = false;
            super.userEventTriggered(ctx, ChannelInputShutdownEvent.INSTANCE);
        }
    }

    /** When the first byte of a request head not yet complete arrived ({@link System#nanoTime}), or 0. */
    public long headStartedNanos() {
        return headStartedNanos;
    }

    /** Fired when the first byte of a request head arrives: its deadline ({@code http_request_ms}) starts. */
    public static final class RequestHeadStarted {
        static final RequestHeadStarted INSTANCE = new RequestHeadStarted();

        private RequestHeadStarted() {
        }
    }

    /** Why a request was refused before routing. */
    public static final class BadRequestException extends Exception {
        public BadRequestException(String message) {
            super(message, null, false, false);
        }
    }
}
