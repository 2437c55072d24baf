package dev.loggregator.doppler.drains.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * {@code https://} (one RFC 5424 message per POST, as the agent's {@code https.go}) and
 * {@code https-batch://} (messages concatenated, POSTed when the batch reaches {@code batch_bytes}
 * or {@code batch_interval_ms} after its first message, as {@code https_batch.go}): body
 * {@code text/plain}, any 2xx is success, user info of the URL sent as basic auth. One keep-alive
 * connection and one request at a time per drain, so a drain's messages arrive in order. A failed
 * request (no connection, a non-2xx answer, a reset, no answer within {@code request_timeout_ms})
 * is retried with the agent's backoff up to {@code max_retries} attempts, then its messages are
 * dropped and counted; meanwhile envelopes wait in the drain's bounded queue.
 */
final class HttpsWriter implements DrainWriter {
    private final Outbox outbox;
    private final DrainEndpoint endpoint;
    private final WriterSettings settings;
    private final DrainStats stats;
    private final boolean batching;
    private final String authorization;
    private final Backoff retries;
    private final PostBodies bodies;
    private DrainState state = DrainState.IDLE;
    private Channel channel;
    /** The body being delivered (with its retries), and how many messages it holds. */
    private ByteBuf body;
    private int bodyMessages;
    private boolean inFlight;
    private boolean waitingToRetry;
    private ScheduledFuture<?> responseTimer;
    private int responseStatus;

    HttpsWriter(Outbox outbox, DrainEndpoint endpoint, WriterSettings settings, DrainStats stats, boolean batching) {
        this.outbox = outbox;
        this.endpoint = endpoint;
        this.settings = settings;
        this.stats = stats;
        this.batching = batching;
        this.retries = new Backoff(settings.maxBackoffMs());
        this.bodies = new PostBodies(outbox, settings, stats, batching, this::pump);
        String userInfo = endpoint.url().userInfo();
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private void setState(DrainState next) {
        state = next;
        stats.state(next);
    }

    @Override
    public void pump() {
        if (state == DrainState.CLOSED) {
            return;
        }
        while (!inFlight && !waitingToRetry) {
            if (body == null && !takeBody()) {
                return;
            }
            if (channel == null || !channel.isActive()) {
                if (state != DrainState.CONNECTING) {
                    connect();
                }
                return;
            }
            send();
        }
    }

    /** Takes the next request body; false when there is none to send yet. */
    private boolean takeBody() {
        PostBodies.Body next = bodies.next();
        if (next == null) {
            return false;
        }
        body = next.bytes();
        bodyMessages = next.messages();
        return true;
    }

    private void connect() {
        setState(DrainState.CONNECTING);
        DrainDialer.dial(outbox.loop(), endpoint, settings.connectTimeoutMs(), pipeline -> pipeline
                .addLast("http", new HttpClientCodec())
                .addLast("drain", new ResponseHandler())).addListener(this::connected);
    }

    private void connected(Future<? super Channel> done) {
        if (state == DrainState.CLOSED) {
            if (done.isSuccess()) {
                ((Channel) done.getNow()).close();
            }
            return;
        }
        if (!done.isSuccess()) {
            failed("cannot connect: " + DrainDialer.describe(done.cause()));
            return;
        }
        channel = (Channel) done.getNow();
        setState(DrainState.CONNECTED);
        pump();
    }

    private void send() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                endpoint.url().requestTarget(), body.retainedDuplicate());
        request.headers()
                .set(HttpHeaderNames.HOST, endpoint.url().hostHeader())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        inFlight = true;
        responseStatus = 0;
        Channel sentOn = channel;
        responseTimer = outbox.loop().schedule(() -> {
            if (inFlight && sentOn == channel) {
                sentOn.close();
                failed("no answer within " + settings.requestTimeoutMs() + " ms");
            }
        }, settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        sentOn.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess() && inFlight && sentOn == channel) {
                sentOn.close();
                failed("cannot send: " + DrainDialer.describe(written.cause()));
            }
        });
    }

    private void answered(int status) {
        if (!inFlight) {
            return;
        }
        endRequest();
        if (status >= 200 && status <= 299) {
            stats.sent(bodyMessages);
            body.release();
            body = null;
            retries.reset();
            pump();
        } else {
            failed("the receiver answered " + status);
        }
    }

    private void endRequest() {
        inFlight = false;
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** The request (or the connection for it) failed: retry after the backoff, or drop once retries are used up. */
    private void failed(String reason) {
        endRequest();
        stats.error(reason);
        if (body == null) {
            return;
        }
        if (state == DrainState.CLOSED || retries.attempts() + 1 >= settings.maxRetries()) {
            stats.dropped(bodyMessages);
            body.release();
            body = null;
            retries.reset();
            if (state != DrainState.CLOSED) {
                setState(channel != null && channel.isActive() ? DrainState.CONNECTED : DrainState.IDLE);
                outbox.schedule();
            }
            return;
        }
        waitingToRetry = true;
        setState(DrainState.BACKING_OFF);
        outbox.loop().schedule(() -> {
            waitingToRetry = false;
            if (state == DrainState.BACKING_OFF) {
                setState(channel != null && channel.isActive() ? DrainState.CONNECTED : DrainState.IDLE);
                pump();
            }
        }, retries.nextMillis(), TimeUnit.MILLISECONDS);
    }

    private void lost(Channel closed) {
        if (closed != channel) {
            return;
        }
        channel = null;
        if (inFlight) {
            failed("connection closed by the receiver");
        } else if (state == DrainState.CONNECTED) {
            setState(DrainState.IDLE);
        }
    }

    @Override
    public void closeIfIdle() {
        if (state == DrainState.CONNECTED && !busy() && outbox.isEmpty()) {
            Channel idle = channel;
            channel = null;
            setState(DrainState.IDLE);
            idle.close();
        }
    }

    @Override
    public void flush() {
        bodies.flushNow();
        pump();
    }

    @Override
    public void shutdown() {
        setState(DrainState.CLOSED);
        endRequest();
        bodies.release();
        if (body != null) {
            body.release();
            body = null;
        }
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public boolean busy() {
        return inFlight || waitingToRetry || body != null || bodies.holding();
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
            if (message instanceof HttpResponse response) {
                responseStatus = response.status().code();
            }
            if (message instanceof LastHttpContent && ctx.channel() == channel) {
                answered(responseStatus);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
