package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    @DisplayName("on a terminal the bar shows steps done, the running scenario and its elapsed time, redrawn in place")
    void bar() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong(10_000);
        try (Progress p = new Progress(new PrintWriter(out), new PrintWriter(err), true, 4, now::get)) {
            p.begin("x86-send-ipi");
            now.addAndGet(1500);
            assertEquals("[........................] 0/4  x86-send-ipi  1.5 s", p.line());
            p.finish(() -> out.write("timeline\n"));
            assertEquals("[######..................] 1/4  x86-send-ipi  1.5 s", p.line());
        }
        String e = err.toString();
        assertTrue(e.startsWith("\r[........................] 0/4  x86-send-ipi  0.0 s\u001b[K"), e);
        assertTrue(e.contains("\r\u001b[K\r[######"), "the bar is cleared before the scenario's output, then drawn again: " + e);
        assertTrue(e.endsWith("\r\u001b[K"), "closing removes the bar");
        assertEquals("timeline\n", out.toString());
    }

    @Test
    @DisplayName("the last step shows a full bar without a clock")
    void full() {
        Progress p = new Progress(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), true, 1, () -> 0);
        p.begin("only");
        p.finish(() -> { });
        assertEquals("[########################] 1/1  only", p.line());
        p.close();
    }

    @Test
    @DisplayName("when stdout is not a terminal nothing extra is written, and the output still is")
    void silent() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(out), new PrintWriter(err), false, 3, () -> 0)) {
            p.begin("a");
            p.finish(() -> out.write("a's timeline\n"));
        }
        assertEquals("", err.toString());
        assertEquals("a's timeline\n", out.toString());
        assertFalse(Progress.isTerminal(), "tests run without a terminal");
    }

    @Test
    @DisplayName("a ticker that fails does not die silently: closing the bar says why it stopped")
    void tickerFailureIsReported() throws Exception {
        StringWriter err = new StringWriter();
        AtomicLong calls = new AtomicLong();
        Progress p = new Progress(new PrintWriter(new StringWriter()), new PrintWriter(err), true, 2, () -> {
            if (calls.incrementAndGet() > 2) {
                throw new IllegalStateException("clock gone");
            }
            return 0;
        });
        p.begin("a");
        p.startTicker(1);
        while (calls.get() <= 2) {
            Thread.sleep(1);
        }
        Thread.sleep(20); // the failed redraw completes its future
        p.close();
        assertTrue(err.toString().contains("hcsim: the progress display stopped: java.lang.IllegalStateException: clock gone"), err.toString());
    }

    @Test
    @DisplayName("a ticker that ran until closed reports nothing")
    void tickerClosedQuietly() throws Exception {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(new StringWriter()), new PrintWriter(err), true, 2, () -> 0);
        p.startTicker(1);
        Thread.sleep(10);
        p.close();
        assertFalse(err.toString().contains("stopped"), err.toString());
    }

    @Test
    @DisplayName("no console: no terminal")
    void noConsole() {
        assertFalse(Progress.isTerminal(null));
    }
}
