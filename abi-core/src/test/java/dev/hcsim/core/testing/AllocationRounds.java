package dev.hcsim.core.testing;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The one allocation check of hcsim's hot-path tests: it runs a round of work again and again until one round
 * allocates fewer bytes than a bound, and fails, with every round's count, if none does within {@link #MAX_ROUNDS}.
 *
 * <p>Why rounds and not "the third round": the hot paths allocate nothing only once C2 has compiled them (escape
 * analysis, which removes iterators, boxes and varargs arrays, runs only in C2-compiled code). On two cores shared by
 * many builds the JIT may not have got there after a fixed number of rounds, and a fixed count failed spuriously.
 * A path that really allocates per call allocates in every round, however long the JIT has had, so it still fails.
 *
 * <p>Counts come from {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} for the current thread,
 * reached reflectively because the modules under test do not read {@code jdk.management}; the few bytes of one
 * reflective call (a boxed {@code Long}) are far below every bound in use.
 */
public final class AllocationRounds {
    /** Rounds tried before the check fails: generous, so that a loaded machine's late JIT still gets there. */
    public static final int MAX_ROUNDS = 60;

    /** One round of the work to measure. */
    @FunctionalInterface
    public interface Round {
        /** Runs the round once; each run does the same work. */
        void run() throws Exception;
    }

    /** Keeps a probe's allocation alive, so that no escape analysis removes it. */
    @SuppressWarnings("unused")
    private static volatile Object sink;

    private AllocationRounds() {
    }

    /**
     * Runs {@code round} until one run allocates fewer than {@code bound} bytes on this thread, at most
     * {@link #MAX_ROUNDS} times.
     *
     * @param bound the exclusive upper bound, in bytes, of one round that counts as allocation-free
     * @param what what a round does, for the failure message (e.g. "40000 traps")
     * @return the bytes the passing round allocated
     * @throws AssertionError if no round got under the bound (the message lists every round's bytes), or if the
     *     JVM's counter does not see an allocation
     */
    public static long assertSettlesBelow(long bound, String what, Round round) throws Exception {
        return assertSettlesBelow(bound, MAX_ROUNDS, what, round, threadAllocatedBytes());
    }

    /** {@link #assertSettlesBelow(long, String, Round)} with the round limit and the byte counter given. */
    static long assertSettlesBelow(long bound, int maxRounds, String what, Round round, LongSupplier allocated) throws Exception {
        long[] bytes = new long[maxRounds];
        for (int i = 0; i < maxRounds; i++) {
            long before = allocated.getAsLong();
            round.run();
            bytes[i] = allocated.getAsLong() - before;
            if (bytes[i] < bound) {
                return bytes[i];
            }
        }
        throw new AssertionError(what + ": no round of " + maxRounds + " allocated fewer than " + bound
                + " bytes (it allocates on every run, not only before the JIT settles); bytes per round: "
                + Arrays.toString(bytes));
    }

    /**
     * This thread's allocated-bytes counter; checked once to see an allocation (a JVM whose counter is off answers
     * -1 or stands still, and every round would then pass).
     */
    static LongSupplier threadAllocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        long tid = Thread.currentThread().getId();
        LongSupplier counter = () -> {
            try {
                return (Long) method.invoke(bean, tid);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("ThreadMXBean.getThreadAllocatedBytes failed", e);
            }
        };
        int probe = 100_000;
        long before = counter.getAsLong();
        sink = new byte[probe];
        long seen = counter.getAsLong() - before;
        if (seen < probe) {
            throw new AssertionError("the thread allocation counter saw " + seen + " bytes of a " + probe + "-byte array");
        }
        sink = null;
        return counter;
    }
}
