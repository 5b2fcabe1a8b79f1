package io.creditrobot.api;

import java.util.ArrayDeque;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 connection's pipelined requests, bounded. Vert.x queues every pipelined request it decodes behind the
 * one being answered, and a request without a body never pauses the socket (vert.x {@code Http1xServerConnection}
 * pauses only for body content): a client that writes thousands of requests and never reads made the server hold
 * all of them, an {@code Http1xServerRequest} and its headers each (issue 34, item 2).
 *
 * <p>
 * This handler sits between Vert.x's HTTP decoder and its connection handler, on the connection's event loop (so it
 * needs no lock). At most {@value #PASSED} requests pass to Vert.x without their response on the socket (Vert.x
 * answers them one after another anyway, and a client that does not read keeps them unanswered); the next ones wait
 * here, and the socket stops reading as soon as one waits. What the last socket read holds is decoded all the same:
 * past {@code limit} requests on the connection, or {@value #MAX_HELD_BYTES} bytes of body waiting, the connection is
 * closed and what waits here dropped. So one connection holds at most {@code limit} requests, whatever its client
 * sends.
 */
final class PipelinedRequests extends ChannelDuplexHandler {

    /** Body bytes that may wait here: what one socket read can still hold after reading stopped. */
    static final int MAX_HELD_BYTES = 64 * 1024;
    /** One being answered, one ready to start the moment it is. */
    static final int PASSED = 2;

    private final int limit;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private int unanswered;
    private int heldRequests;
    private int heldBytes;
    private boolean pausedReading;
    private boolean closed;

    /** {@code unanswered}: requests Vert.x already has (the one that installed this handler). */
    PipelinedRequests(int limit, int unanswered) {
        this.limit = limit;
        this.unanswered = unanswered;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
        } else if (held.isEmpty() && (!(msg instanceof HttpRequest) || unanswered < PASSED)) {
            pass(ctx, msg);
        } else {
            hold(ctx, msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof LastHttpContent) || informational(msg)) {
            super.write(ctx, msg, promise);
            return;
        }
        // Answered once the response's last bytes are on the socket, not in Netty's outbound buffer: a client that
        // never reads keeps its responses unanswered, and so its next requests wait here.
        ChannelPromise written = promise.unvoid();
        written.addListener(future -> {
            unanswered--;
            // Later, never from inside Vert.x's write: it completes its response only after the write returns.
            ctx.executor().execute(() -> release(ctx));
        });
        super.write(ctx, msg, written);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        drop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        drop();
        super.channelInactive(ctx);
    }

    private void pass(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
        }
        ctx.fireChannelRead(msg);
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            heldRequests++;
        }
        if (msg instanceof HttpContent content) {
            heldBytes += content.content().readableBytes();
        }
        held.add(msg);
        if (unanswered + heldRequests > limit || heldBytes > MAX_HELD_BYTES) {
            closed = true;
            drop();
            ctx.close();
            return;
        }
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            pausedReading = true;
        }
    }

    /** Hands held requests to Vert.x while fewer than {@value #PASSED} are unanswered; reads again once none wait. */
    private void release(ChannelHandlerContext ctx) {
        boolean released = false;
        while (!closed && !held.isEmpty() && (!(held.peek() instanceof HttpRequest) || unanswered < PASSED)) {
            Object msg = held.poll();
            if (msg instanceof HttpRequest) {
                heldRequests--;
            }
            if (msg instanceof HttpContent content) {
                heldBytes -= content.content().readableBytes();
            }
            pass(ctx, msg);
            released = true;
        }
        if (released) {
            // Vert.x defers its writes' flush while a read is under way, until the read completes.
            ctx.fireChannelReadComplete();
        }
        if (!closed && held.isEmpty() && pausedReading) {
            pausedReading = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void drop() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        heldRequests = 0;
        heldBytes = 0;
    }

    /** A 1xx answer (100 Continue) is not the request's response. */
    private static boolean informational(Object msg) {
        return msg instanceof HttpResponse response && response.status().code() < 200;
    }
}
