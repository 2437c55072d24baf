package dev.loggregator.trafficcontroller.dopplers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.AbstractChannelPoolMap;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests to the Dopplers' internal HTTP endpoints (Log Cache reads, PromQL series) over pooled
 * keep-alive connections: a bounded pool per Doppler, each connection carrying one request at a time,
 * so a query costs a write and a read on a connection already open rather than a connection set-up,
 * and the answer arrives on a Netty event loop with no hand-over to another pool. An idle connection is
 * closed before the Doppler's own idle timeout would close it; a request on a kept-alive connection the
 * Doppler closed in the meantime is sent once more on another.
 */
public final class DopplerHttp implements AutoCloseable {
    /** A Doppler's answer: status and the whole body. */
    public record Answer(int status, byte[] body) {
    }

    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("dopplerHttpExchange");
    private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("dopplerHttpUsed");

    private final EventLoopGroup loops;
    private final AbstractChannelPoolMap<DopplerAddress, FixedChannelPool> pools;
    private final long timeoutNanos;
    private final DopplerCredentials credentials;

    /**
     * @param maxConnections connections kept per Doppler; further requests wait (at most {@code maxPending})
     * @param idleSeconds    an unused connection is closed after this long
     */
    public DopplerHttp(int threads, int maxConnections, int maxPending, int maxBodyBytes, int idleSeconds,
                       Duration timeout, DopplerCredentials credentials) {
        this.loops = new NioEventLoopGroup(threads, new DefaultThreadFactory("tc-doppler-http", true));
        this.timeoutNanos = timeout.toNanos();
        this.credentials = credentials;
        Bootstrap bootstrap = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.pools = new AbstractChannelPoolMap<>() {
            @Override
            protected FixedChannelPool newPool(DopplerAddress doppler) {
                return new FixedChannelPool(bootstrap.clone().remoteAddress(new InetSocketAddress(doppler.host(), doppler.port())),
                        new AbstractChannelPoolHandler() {
                            @Override
                            public void channelCreated(Channel channel) {
                                channel.pipeline()
                                        .addLast(new IdleStateHandler(0, 0, idleSeconds))
                                        .addLast(new HttpClientCodec())
                                        .addLast(new HttpObjectAggregator(maxBodyBytes))
                                        .addLast(new AnswerHandler());
                            }
                        }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL,
                        timeout.toMillis(), maxConnections, maxPending);
            }
        };
    }

    public CompletableFuture<Answer> get(DopplerAddress doppler, String pathAndQuery) {
        return send(doppler, HttpMethod.GET, pathAndQuery, null, null);
    }

    public CompletableFuture<Answer> post(DopplerAddress doppler, String path, byte[] body, String contentType) {
        return send(doppler, HttpMethod.POST, path, body, contentType);
    }

    private CompletableFuture<Answer> send(DopplerAddress doppler, HttpMethod method, String uri, byte[] body,
                                           String contentType) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        attempt(doppler, method, uri, body, contentType, answer, true);
        return answer;
    }

    private void attempt(DopplerAddress doppler, HttpMethod method, String uri, byte[] body, String contentType,
                         CompletableFuture<Answer> answer, boolean mayRetry) {
        FixedChannelPool pool = pools.get(doppler);
        pool.acquire().addListener((Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                answer.completeExceptionally(acquired.cause());
                return;
            }
            Channel channel = acquired.getNow();
            boolean reused = Boolean.TRUE.equals(channel.attr(USED).getAndSet(true));
            Exchange exchange = new Exchange(pool, answer, reused && mayRetry
                    ? () -> attempt(doppler, method, uri, body, contentType, answer, false) : null);
            channel.attr(EXCHANGE).set(exchange);
            exchange.timer = channel.eventLoop().schedule(() -> exchange.fail(channel,
                    new TimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"), false),
                    timeoutNanos, TimeUnit.NANOSECONDS);
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                    body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, doppler.base("http").substring("http://".length()));
            credentials.headers().forEach((name, value) -> request.headers().set(name, value));
            if (body != null) {
                request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            HttpUtil.setContentLength(request, body == null ? 0 : body.length);
            channel.writeAndFlush(request).addListener(written -> {
                if (!written.isSuccess()) {
                    exchange.fail(channel, written.cause(), true);
                }
            });
        });
    }

    /** One request in flight on a connection, ended exactly once: answered, failed or timed out. */
    private static final class Exchange {
        private final FixedChannelPool pool;
        private final CompletableFuture<Answer> answer;
        /** Sends the request again on another connection; null when that is not allowed. */
        private final Runnable retry;
        private volatile Future<?> timer;
        private boolean responseStarted;

        Exchange(FixedChannelPool pool, CompletableFuture<Answer> answer, Runnable retry) {
            this.pool = pool;
            this.answer = answer;
            this.retry = retry;
        }

        /** Takes this exchange off the channel; false when it had ended already. */
        private boolean end(Channel channel, boolean reusable) {
            if (!channel.attr(EXCHANGE).compareAndSet(this, null)) {
                return false;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            if (!reusable) {
                channel.close();
            }
            pool.release(channel);
            return true;
        }

        void succeed(Channel channel, FullHttpResponse response) {
            boolean keepAlive = HttpUtil.isKeepAlive(response);
            Answer result = new Answer(response.status().code(), ByteBufUtil.getBytes(response.content()));
            if (end(channel, keepAlive)) {
                answer.complete(result);
            }
        }

        /** {@code closedEarly}: the connection failed before any of the answer arrived (a kept-alive one the Doppler closed). */
        void fail(Channel channel, Throwable cause, boolean closedEarly) {
            if (end(channel, false)) {
                if (closedEarly && !responseStarted && retry != null) {
                    retry.run();
                } else {
                    answer.completeExceptionally(cause);
                }
            }
        }
    }

    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Exchange exchange = ctx.channel().attr(EXCHANGE).get();
            if (exchange == null) {
                ctx.close(); // an answer nobody asked for: the connection is out of step
                return;
            }
            exchange.succeed(ctx.channel(), response);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            Exchange exchange = ctx.channel().attr(EXCHANGE).get();
            if (exchange != null) {
                exchange.responseStarted = true;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Exchange exchange = ctx.channel().attr(EXCHANGE).get();
            if (exchange != null) {
                exchange.fail(ctx.channel(), new IOException("the Doppler closed the connection"), true);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent && ctx.channel().attr(EXCHANGE).get() == null) {
                ctx.close(); // before the Doppler's idle timeout closes it (and counts that as a refused connection)
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange exchange = ctx.channel().attr(EXCHANGE).get();
            if (exchange != null) {
                exchange.fail(ctx.channel(), cause, false);
            } else {
                ctx.close();
            }
        }
    }

    @Override
    public void close() {
        pools.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
