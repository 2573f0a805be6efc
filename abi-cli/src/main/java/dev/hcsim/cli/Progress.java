package dev.hcsim.cli;

import java.io.PrintWriter;
import java.io.Console;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on the terminal for runs of many scenarios or long runs:
 * {@code [#######.............] 7/22  x86-send-ipi  1.4 s}. It is drawn on stderr and redrawn in place
 * ({@code \r}); while one scenario runs, a ticker redraws the elapsed time a few times a second so a long
 * run visibly lives. When stdout is not a terminal (a pipe, a file, a test) it prints nothing at all, so
 * captured output is exactly the timeline.
 */
final class Progress implements AutoCloseable {
    private static final int BAR = 24;
    private static final long TICK_MILLIS = 250;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean enabled;
    private final int total;
    private final LongSupplier clock;
    private ScheduledExecutorService ticker;
    /** The ticker's redraws: a periodic task that throws stops for good, so {@link #close} reports it. */
    private ScheduledFuture<?> ticks;
    private int done;
    private String label = "";
    private long startedAt;
    private boolean drawn;

    /**
     * @param out     stdout (flushed before the bar is redrawn, so the two streams do not interleave)
     * @param err     where the bar is drawn
     * @param enabled false: every method does nothing
     * @param total   how many steps (scenarios) the run has
     * @param clock   wall-clock milliseconds (for the elapsed time shown)
     */
    Progress(PrintWriter out, PrintWriter err, boolean enabled, int total, LongSupplier clock) {
        this.out = out;
        this.err = err;
        this.enabled = enabled;
        this.total = Math.max(total, 1);
        this.clock = clock;
    }

    /** A bar on {@code err} when this process talks to a terminal, else a silent one. */
    static Progress onTerminal(PrintWriter out, PrintWriter err, int total) {
        Progress p = new Progress(out, err, isTerminal(), total, System::currentTimeMillis);
        if (p.enabled) {
            p.startTicker(TICK_MILLIS);
        }
        return p;
    }

    /** Redraws the bar every {@code millis} ms from a daemon thread until {@link #close}. */
    void startTicker(long millis) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hcsim-progress");
            t.setDaemon(true);
            return t;
        });
        ticks = ticker.scheduleAtFixedRate(this::redraw, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * True when stdout is a terminal. Java 17's {@code System.console()} is non-null exactly when stdin and
     * stdout are a terminal; from Java 22 on it is non-null for a pipe too, and {@code Console.isTerminal()} says
     * it. That method is looked up on the public {@link Console} class (read reflectively, as the project compiles
     * for 17): the object's own class is internal to the JDK, and calling through it is refused. When the answer
     * cannot be had, no bar: a bar written into a pipe would corrupt captured output.
     */
    static boolean isTerminal() {
        return isTerminal(System.console());
    }

    static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        Method m;
        try {
            m = Console.class.getMethod("isTerminal");
        } catch (NoSuchMethodException e) {
            return true; // Java 17 to 21: a Console exists only on a terminal
        }
        try {
            return Boolean.TRUE.equals(m.invoke(console));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Step {@code label} begins (a scenario starts running). */
    synchronized void begin(String label) {
        this.label = label;
        this.startedAt = clock.getAsLong();
        redraw();
    }

    /** The current step ended; {@code output} (what it prints to stdout) runs with the bar cleared, then the bar returns. */
    void finish(Runnable output) {
        synchronized (this) {
            clear();
            done++;
            output.run();
            out.flush();
            redraw();
        }
    }

    /** Sets how many steps are done (a sweep's seeds, counted by its worker threads); the ticker redraws the bar. */
    synchronized void doneSoFar(long n) {
        done = (int) Math.min(n, total);
    }

    /** The bar's text now (without the carriage return). */
    synchronized String line() {
        int filled = (int) ((long) done * BAR / total);
        double secs = (clock.getAsLong() - startedAt) / 1000.0;
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + done + "/" + total + (label.isEmpty() ? "" : "  " + label)
                + (done < total ? String.format(Locale.ROOT, "  %.1f s", secs) : "");
    }

    private synchronized void redraw() {
        if (!enabled) {
            return;
        }
        err.print("\r" + line() + "\u001b[K");
        err.flush();
        drawn = true;
    }

    private void clear() {
        if (enabled && drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    /** Stops the ticker and removes the bar from the screen. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        clear();
        if (ticks != null && ticks.isDone() && !ticks.isCancelled()) {
            err.println("hcsim: the progress display stopped: " + failure(ticks));
        }
    }

    /** Why a periodic task ended by itself (it can only end by throwing). */
    static String failure(ScheduledFuture<?> f) {
        try {
            f.get();
            return "it ended";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (java.util.concurrent.CancellationException e) {
            return "cancelled";
        }
    }
}
