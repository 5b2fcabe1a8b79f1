package io.creditrobot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * {@link PipelinedRequests} on a Netty channel of its own: what passes to the connection handler behind it, when
 * reading stops and starts again, and when the connection is closed.
 */
class PipelinedRequestsTest {

    private static final int LIMIT = 6;

    private final List<Object> passed = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new PipelinedRequests(LIMIT, 0),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    passed.add(msg);
                }
            });

    @Test
    void twoRequestsPassWithoutAnAnswerTheOthersWaitInOrderAndReadingStopsMeanwhile() {
        for (int i = 0; i < 4; i++) {
            channel.writeInbound(request("/" + i), LastHttpContent.EMPTY_LAST_CONTENT);
        }
        assertEquals(List.of("/0", "/1"), requests(), "requests passed before any answer");
        assertFalse(channel.config().isAutoRead(), "reading stops while requests wait");

        answer();
        assertEquals(List.of("/0", "/1", "/2"), requests(), "one answer lets the next one pass");
        assertFalse(channel.config().isAutoRead(), "one still waits");

        answer();
        assertEquals(List.of("/0", "/1", "/2", "/3"), requests());
        assertTrue(channel.config().isAutoRead(), "reading resumes once nothing waits");
        assertTrue(channel.isOpen());
    }

    @Test
    void aConnectionWithMoreThanTheLimitOfRequestsIsClosedAndWhatWaitedIsDropped() {
        List<DefaultLastHttpContent> bodies = new ArrayList<>();
        for (int i = 0; i < LIMIT + 1; i++) {
            DefaultLastHttpContent body = new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[16]));
            bodies.add(body);
            channel.writeInbound(request("/" + i), body);
            assertEquals(i < LIMIT, channel.isOpen(), "open after request " + (i + 1));
        }
        assertEquals(PipelinedRequests.PASSED, requests().size());
        for (DefaultLastHttpContent held : bodies.subList(PipelinedRequests.PASSED, bodies.size())) {
            assertEquals(0, held.refCnt(), "a waiting body is released");
        }
    }

    @Test
    void aResponseCountsOnceItsLastPartIsWrittenAndAHundredContinueDoesNot() {
        for (int i = 0; i < 3; i++) {
            channel.writeInbound(request("/" + i), LastHttpContent.EMPTY_LAST_CONTENT);
        }
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.runPendingTasks();
        assertEquals(2, requests().size(), "100 Continue is not an answer");
        answer();
        assertEquals(3, requests().size());
    }

    private void answer() {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.runPendingTasks();
    }

    private List<String> requests() {
        return passed.stream().filter(HttpRequest.class::isInstance).map(msg -> ((HttpRequest) msg).uri()).toList();
    }

    private static HttpRequest request(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }
}
