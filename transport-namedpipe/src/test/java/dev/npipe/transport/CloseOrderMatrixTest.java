/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
package dev.npipe.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The close-order matrix: two of {@link Event} in each order, on an accepted channel in each {@link State}. Every
 * cell checks that every promise completes (writes, closes, shutdowns), that every buffer written is released once
 * (each is written holding two references: one must be left), that both closeFutures complete and the child's
 * pipeline sees channelUnregistered, that Netty and the transport log no warning, and that handles and native
 * blocks return to where the cell found them.
 *
 * <p>All 20 ordered pairs of the five events can be issued: none of them makes the other impossible to call. When
 * the first one already ended what the second acts on (a channel closed, a loop terminated), the second is a call
 * on a closed channel or a stopped group, and its future must still complete; the cell's name says so. Each pair
 * is run twice: once with the first event awaited (its future, the group's termination, the peer's exit) before
 * the second is issued, once with the second issued right after the first, so that it meets the first under way.
 *
 * <p>To run only some cells, set the system property {@code matrix.only} to a substring of their display names
 * (for the Win32 suite: {@code WIN32_SUITE_JAVA_OPTS=-Dmatrix.only=boss_group_shutdown,_then_child}, an underscore
 * standing for a space); the other cells are then not generated.
 * A warning that fails a cell is reported with its level, logger name, message and the thrown's stack trace.
 */
@Tag("win32")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CloseOrderMatrixTest {
    private static final File PEER = new File("target/win32/msgpeer.exe");
    /** The pipe's buffers are this small, so a write of {@link #LARGE} bytes stays in flight while nobody reads. */
    private static final int PIPE_BUFFER = 4096;
    private static final int LARGE = 256 * 1024;
    private static final long WAIT_MILLIS = 5_000;
    private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();
    /** Held strongly: java.util.logging keeps loggers only weakly, and their handlers with them. */
    private static final Logger[] WATCHED = {Logger.getLogger("io.netty"), Logger.getLogger("dev.npipe")};
    /**
     * Where the server tells, at debug level, of each connection it accepts and hands on: kept per cell and shown
     * with a cell's warnings, so a connection nobody expected (the peer connects once) says how it came.
     */
    private static final Logger[] ACCEPTING = {Logger.getLogger(PipeInstances.class.getName()),
        Logger.getLogger(NamedPipeServerChannel.class.getName())};
    private static final List<String> ACCEPTED = new CopyOnWriteArrayList<>();
    /** When the running cell began, in {@link LogRecord#getMillis()}'s time. */
    private static volatile long cellStart;
    private static final SimpleFormatter FORMAT = new SimpleFormatter();
    /**
     * The {@code matrix.only} system property: when set, only the cells whose display name contains it run. An
     * underscore stands for a space, as the Win32 suite splits its JVM options at whitespace.
     */
    private static final String ONLY = System.getProperty("matrix.only", "").replace('_', ' ');
    private static final Handler RECORDER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                String text = record.getLevel() + " " + record.getLoggerName() + ": " + FORMAT.formatMessage(record);
                if (record.getThrown() != null) {
                    StringWriter stack = new StringWriter();
                    record.getThrown().printStackTrace(new PrintWriter(stack));
                    text += "\n" + stack;
                }
                WARNINGS.add(text);
            } else if (ACCEPTING[0].getName().equals(record.getLoggerName())
                    || ACCEPTING[1].getName().equals(record.getLoggerName())) {
                // Short: the pipe's name and the client's session and user are the same in every line of a cell.
                String line = FORMAT.formatMessage(record);
                ACCEPTED.add("+" + (record.getMillis() - cellStart) + " ms " + line
                        .replaceAll("\\\\\\\\\\.\\\\pipe\\\\[^ :]*:? ?", "")
                        .replaceAll(", session [0-9]+, user [^)]*", "") + clientProgram(line));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private static final Pattern CLIENT_PID = Pattern.compile("client pid ([0-9]+)");

    /**
     * The program of the client an accept line names, looked up as the line is logged (the client may be gone by
     * the cell's end): a connection nobody expected says which program made it.
     */
    private static String clientProgram(String acceptLine) {
        Matcher pid = CLIENT_PID.matcher(acceptLine);
        if (!pid.find()) {
            return "";
        }
        long id = Long.parseLong(pid.group(1));
        if (id == ProcessHandle.current().pid()) {
            return " [this JVM]";
        }
        return " [" + ProcessHandle.of(id).flatMap(process -> process.info().command())
                .map(command -> command.replaceAll(".*[\\\\/]", "")).orElse("no such process now") + "]";
    }

    /** What ends the accepted channel's life, or part of it. */
    enum Event {
        CHANNEL_CLOSE("channel close"),
        SERVER_CLOSE("server close"),
        CHILD_GROUP_SHUTDOWN("child group shutdown"),
        BOSS_GROUP_SHUTDOWN("boss group shutdown"),
        PEER_EXIT("peer process exit"),
        /** The child group shut down (quiet period and timeout 0) by a task of the accepted channel's own loop. */
        CHILD_LOOP_STOPS_ITSELF("child group shut down by a task of its loop"),
        /** As above, from a listener of a write's promise: a callback of the loop's completion handling. */
        CHILD_LOOP_STOPS_ITSELF_IN_CALLBACK("child group shut down by a write's listener on its loop");

        final String label;

        Event(String label) {
            this.label = label;
        }
    }

    /** What the accepted channel is doing when the events come. */
    enum State {
        /** AUTO_READ off and its one small write done: no I/O in flight. */
        IDLE("idle"),
        /** AUTO_READ on: a read waits for bytes the peer never sends. */
        READ_PENDING("read pending"),
        /** A write larger than the pipe's buffer waits for a peer that never reads; three small ones queue behind. */
        WRITE_PENDING("write pending"),
        /** As WRITE_PENDING, and close() called in the same loop task: the close waits for the kernel's answer. */
        WRITE_PENDING_CLOSE_DEFERRED("write pending, close deferred");

        final String label;

        State(String label) {
            this.label = label;
        }

        boolean writes() {
            return this == WRITE_PENDING || this == WRITE_PENDING_CLOSE_DEFERRED;
        }
    }

    @BeforeAll
    static void watchLogs() {
        // The warnings are read from java.util.logging: Netty must log there (no SLF4J or Log4J binding here).
        assertInstanceOf(JdkLoggerFactory.class, InternalLoggerFactory.getDefaultFactory(), "Netty's logger factory");
        for (Logger logger : WATCHED) {
            logger.addHandler(RECORDER);
        }
        for (Logger logger : ACCEPTING) {
            logger.setLevel(Level.FINE);
        }
    }

    @AfterAll
    static void unwatchLogs() {
        for (Logger logger : WATCHED) {
            logger.removeHandler(RECORDER);
        }
        for (Logger logger : ACCEPTING) {
            logger.setLevel(null);
        }
    }

    /** The events the matrix orders. */
    private static final Event[] ORDERED = {Event.CHANNEL_CLOSE, Event.SERVER_CLOSE, Event.CHILD_GROUP_SHUTDOWN,
        Event.BOSS_GROUP_SHUTDOWN, Event.PEER_EXIT};

    @TestFactory
    Stream<DynamicTest> matrix() {
        assertPeerBuilt();
        List<DynamicTest> cells = new ArrayList<>();
        for (State state : State.values()) {
            for (Event first : ORDERED) {
                for (Event second : ORDERED) {
                    if (first != second) {
                        for (boolean raced : new boolean[] {false, true}) {
                            if (!name(state, first, second, raced).contains(ONLY)) {
                                continue;
                            }
                            cells.add(DynamicTest.dynamicTest(name(state, first, second, raced),
                                    () -> new Cell(state, first, second, raced).run()));
                        }
                    }
                }
            }
        }
        return cells.stream();
    }

    /**
     * A loop that stops itself, from a task or from a callback of its completion handling, must end its channels
     * as a shutdown from outside does. The callback is a write's listener, so it is tried where a write completes:
     * in the write-pending states no completion comes (the peer neither reads nor writes) before the close.
     */
    @TestFactory
    Stream<DynamicTest> loopStopsItself() {
        assertPeerBuilt();
        List<DynamicTest> cells = new ArrayList<>();
        for (State state : State.values()) {
            String name = state.label + ": " + Event.CHILD_LOOP_STOPS_ITSELF.label;
            if (name.contains(ONLY)) {
                cells.add(DynamicTest.dynamicTest(name,
                        () -> new Cell(state, Event.CHILD_LOOP_STOPS_ITSELF, null, false).run()));
            }
            String inCallback = state.label + ": " + Event.CHILD_LOOP_STOPS_ITSELF_IN_CALLBACK.label;
            if (!state.writes() && inCallback.contains(ONLY)) {
                cells.add(DynamicTest.dynamicTest(inCallback,
                        () -> new Cell(state, Event.CHILD_LOOP_STOPS_ITSELF_IN_CALLBACK, null, false).run()));
            }
        }
        return cells.stream();
    }

    private static void assertPeerBuilt() {
        assertTrue(PEER.isFile(), "native peer missing at " + PEER.getAbsolutePath()
                + ": scripts/build-native-peers.sh builds it before the Win32 suite");
    }

    private static String name(State state, Event first, Event second, boolean raced) {
        String name = state.label + ": " + first.label + ", then " + second.label;
        if (raced) {
            name += " (issued right after the first)";
        } else if (ends(first, state, second)) {
            name += " (on what the first ended)";
        }
        return name;
    }

    /** Whether {@code first} already ended what {@code second} acts on. */
    private static boolean ends(Event first, State state, Event second) {
        switch (second) {
            case CHANNEL_CLOSE:
                return closesChild(first, state);
            case SERVER_CLOSE:
                return first == Event.BOSS_GROUP_SHUTDOWN;
            case CHILD_GROUP_SHUTDOWN:
            case BOSS_GROUP_SHUTDOWN:
            case PEER_EXIT:
            default:
                return false;
        }
    }

    /** Whether {@code event} alone must close the accepted channel. */
    private static boolean closesChild(Event event, State state) {
        switch (event) {
            case CHANNEL_CLOSE:
            case CHILD_GROUP_SHUTDOWN:
            case CHILD_LOOP_STOPS_ITSELF:
            case CHILD_LOOP_STOPS_ITSELF_IN_CALLBACK:
                return true;
            case PEER_EXIT:
                return state != State.IDLE; // an idle channel has no I/O that could see the peer go
            default:
                return state == State.WRITE_PENDING_CLOSE_DEFERRED;
        }
    }

    /** Waits for an event to complete, and fails if it does not in time. */
    private interface Wait {
        void check() throws Exception;
    }

    /** One cell: its own groups, server, pipe name and peer process. */
    private static final class Cell {
        private final State state;
        /** The second event is issued right after the first, not once the first has completed. */
        private final boolean raced;
        private final Event first;
        private final Event second;
        private NamedPipeEventLoopGroup boss;
        private NamedPipeEventLoopGroup child;
        private final List<ByteBuf> buffers = new ArrayList<>();
        private final List<ChannelFuture> writes = new CopyOnWriteArrayList<>();
        private final List<Future<?>> calls = new CopyOnWriteArrayList<>();
        private final CountDownLatch unregistered = new CountDownLatch(1);
        private Channel server;
        private NamedPipeChannel accepted;
        private Process peer;

        Cell(State state, Event first, Event second, boolean raced) {
            this.state = state;
            this.raced = raced;
            this.first = first;
            this.second = second;
        }

        void run() throws Exception {
            WARNINGS.clear();
            ACCEPTED.clear();
            cellStart = System.currentTimeMillis();
            long handlesBefore = NamedPipe.openHandles();
            long blocksBefore = NamedPipe.liveNativeBlocks();
            try {
                setUp();
                Wait firstDone = issue(first);
                if (!raced) {
                    firstDone.check();
                }
                if (second != null) {
                    Wait secondDone = issue(second);
                    firstDone.check();
                    secondDone.check();
                }
                checkWhatTheEventsEnded();
            } finally {
                tearDown();
            }
            for (int i = 0; i < writes.size(); i++) {
                assertTrue(writes.get(i).isDone(), "write " + i + "'s promise is still pending");
            }
            for (int i = 0; i < calls.size(); i++) {
                assertTrue(calls.get(i).isDone(), "close or shutdown " + i + "'s future is still pending");
            }
            assertTrue(server.closeFuture().isDone(), "the server's closeFuture did not complete");
            assertTrue(accepted.closeFuture().isDone(), "the accepted channel's closeFuture did not complete");
            assertTrue(unregistered.await(0, TimeUnit.SECONDS), "the accepted channel was never unregistered");
            for (int i = 0; i < buffers.size(); i++) {
                int left = buffers.get(i).refCnt();
                if (left > 0) {
                    buffers.get(i).release(left);
                }
                assertEquals(1, left, "references left of buffer " + i + ", written holding two (released "
                        + (left == 2 ? "never" : "twice") + ")");
            }
            LeakRecorder.assertNoLeaks();
            assertTrue(PipeTestSupport.eventually(10_000, () -> NamedPipe.openHandles() == handlesBefore
                            && NamedPipe.liveNativeBlocks() == blocksBefore),
                    "handles left open: " + (NamedPipe.openHandles() - handlesBefore) + ", native blocks left: "
                            + (NamedPipe.liveNativeBlocks() - blocksBefore));
            List<String> warnings = new ArrayList<>(WARNINGS);
            if (!warnings.isEmpty()) {
                fail(warningsReport(warnings));
            }
        }

        /**
         * The warnings, first lines first, and the server's accepts: on one line, short, as a CI log's summary cuts
         * it; then each warning whole.
         */
        private String warningsReport(List<String> warnings) {
            StringBuilder line = new StringBuilder().append(warnings.size()).append(" warning(s) logged: ");
            for (String warning : warnings) {
                line.append(warning.lines().findFirst().orElse("")).append("; ");
            }
            line.append(ACCEPTED.size()).append(" accept line(s), the peer being pid ").append(peer.pid()).append(':');
            for (String accept : ACCEPTED) {
                line.append(' ').append(accept).append(';');
            }
            return line + "\n" + String.join("\n", warnings);
        }

        private void setUp() throws Exception {
            boss = PipeTestSupport.newGroup("matrix-boss", 1);
            child = PipeTestSupport.newGroup("matrix-child", 1);
            NamedPipeAddress address = PipeTestSupport.uniqueAddress();
            CompletableFuture<NamedPipeChannel> child = new CompletableFuture<>();
            server = new ServerBootstrap().group(boss, this.child).channel(NamedPipeServerChannel.class)
                    .option(NamedPipeChannelOption.IN_BUFFER_SIZE, PIPE_BUFFER)
                    .option(NamedPipeChannelOption.OUT_BUFFER_SIZE, PIPE_BUFFER)
                    .childOption(ChannelOption.AUTO_READ, state != State.IDLE)
                    .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                        @Override
                        protected void initChannel(NamedPipeChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelUnregistered(ChannelHandlerContext ctx) {
                                    unregistered.countDown();
                                    ctx.fireChannelUnregistered();
                                }
                            });
                            child.complete(ch);
                        }
                    })
                    .bind(address).sync().channel();
            peer = PipeTestSupport.startPeer(PEER.getAbsolutePath(), "hold", address.path());
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("CONNECTED", out.readLine(), "the peer's first line");
            accepted = child.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (state.writes()) {
                buffers.add(Unpooled.directBuffer(LARGE).writeZero(LARGE));
                for (int i = 0; i < 3; i++) {
                    buffers.add(Unpooled.directBuffer(8).writeLong(i));
                }
            } else {
                buffers.add(Unpooled.directBuffer(8).writeLong(-1));
            }
            for (ByteBuf buf : buffers) {
                buf.retain(); // the transport releases one reference; the cell checks the other is left
            }
            accepted.eventLoop().submit(() -> {
                for (ByteBuf buf : buffers) {
                    writes.add(accepted.writeAndFlush(buf));
                }
                if (state == State.WRITE_PENDING_CLOSE_DEFERRED) {
                    calls.add(accepted.close());
                }
            }).sync();
            if (state.writes()) {
                Thread.sleep(50);
                if (state == State.WRITE_PENDING) {
                    assertFalse(writes.get(0).isDone(), "the large write should wait for the peer to read");
                }
            } else {
                assertTrue(writes.get(0).await(WAIT_MILLIS), "the small write did not complete");
                assertTrue(writes.get(0).isSuccess(), "the small write failed: " + writes.get(0).cause());
            }
        }

        /** Issues {@code event}; the returned wait checks that it completes. */
        private Wait issue(Event event) {
            switch (event) {
                case CHANNEL_CLOSE:
                    return awaited(accepted.close(), "the accepted channel's close()");
                case SERVER_CLOSE:
                    return awaited(server.close(), "the server's close()");
                case CHILD_GROUP_SHUTDOWN:
                    return awaited(child.shutdownGracefully(0, 1, TimeUnit.SECONDS), "the child group's shutdown");
                case BOSS_GROUP_SHUTDOWN:
                    return awaited(boss.shutdownGracefully(0, 1, TimeUnit.SECONDS), "the boss group's shutdown");
                case PEER_EXIT:
                    peer.destroyForcibly();
                    return () -> assertTrue(peer.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the peer did not exit");
                case CHILD_LOOP_STOPS_ITSELF:
                    accepted.eventLoop().execute(() -> calls.add(child.shutdownGracefully(0, 0, TimeUnit.SECONDS)));
                    return awaited(child.terminationFuture(), "the child group's termination");
                case CHILD_LOOP_STOPS_ITSELF_IN_CALLBACK:
                    ByteBuf buf = Unpooled.directBuffer(8).writeLong(-2).retain();
                    buffers.add(buf);
                    accepted.eventLoop().execute(() -> writes.add(accepted.writeAndFlush(buf).addListener(
                            f -> calls.add(child.shutdownGracefully(0, 0, TimeUnit.SECONDS)))));
                    return awaited(child.terminationFuture(), "the child group's termination");
                default:
                    throw new AssertionError(event);
            }
        }

        private Wait awaited(Future<?> future, String what) {
            calls.add(future);
            return () -> assertTrue(future.await(WAIT_MILLIS), what + " did not complete");
        }

        /** What the two events must have ended by now, before the tear-down ends the rest. */
        private void checkWhatTheEventsEnded() throws InterruptedException {
            if (closesChild(first, state) || second != null && closesChild(second, state)) {
                assertTrue(accepted.closeFuture().await(WAIT_MILLIS), "the accepted channel did not close");
                for (int i = 0; i < writes.size(); i++) {
                    assertTrue(writes.get(i).await(WAIT_MILLIS), "write " + i + "'s promise is still pending");
                }
            } else {
                assertTrue(accepted.isOpen(), "the accepted channel closed, though nothing closed it");
                if (state == State.WRITE_PENDING) {
                    assertFalse(writes.get(0).isDone(), "the large write should still wait for the peer");
                }
            }
            if (first == Event.SERVER_CLOSE || first == Event.BOSS_GROUP_SHUTDOWN
                    || second == Event.SERVER_CLOSE || second == Event.BOSS_GROUP_SHUTDOWN) {
                assertTrue(server.closeFuture().await(WAIT_MILLIS), "the server did not close");
            } else {
                assertTrue(server.isOpen(), "the server closed, though nothing closed it");
            }
        }

        private void tearDown() throws Exception {
            if (peer != null) {
                peer.destroyForcibly();
                assertTrue(peer.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the peer did not exit");
            }
            if (accepted != null) {
                calls.add(accepted.close().await());
            }
            if (server != null) {
                calls.add(server.close().await());
            }
            PipeTestSupport.shutdown(boss, child);
        }
    }
}
