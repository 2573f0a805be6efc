package dev.hcsim.cli;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.TraceSink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A seed sweep ({@code hcsim run FILE --seeds A..B --jobs N}): one scenario run once per seed, the seeds shared out to
 * N threads. Each seed's run is deterministic and independent of the others (its own machines, its own seeded
 * scheduler), so the report is the same whatever N is; only the wall time changes.
 */
final class SeedSweep {
    /** Seeds taken by a worker at a time: large enough that the shared counter is not contended, small enough to balance. */
    private static final int CHUNK = 16;

    private SeedSweep() {
    }

    /** An inclusive range of seeds. */
    record Range(long first, long last) {
        long count() {
            return last - first + 1;
        }

        @Override
        public String toString() {
            return first == last ? Long.toString(first) : first + ".." + last;
        }

        /**
         * Parses {@code A..B} (inclusive, 0 ≤ A ≤ B) or a single seed {@code A}.
         * @throws IllegalArgumentException one line saying what is wrong
         */
        static Range parse(String text) {
            String t = text.strip();
            int dots = t.indexOf("..");
            String a = dots < 0 ? t : t.substring(0, dots);
            String b = dots < 0 ? t : t.substring(dots + 2);
            long first = number(a, text);
            long last = number(b, text);
            if (first > last) {
                throw new IllegalArgumentException("--seeds " + Text.excerpt(text) + ": the range is empty (" + first + " is after " + last
                        + "); write FIRST..LAST with FIRST <= LAST");
            }
            if (last - first >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--seeds " + Text.excerpt(text) + ": at most " + Integer.MAX_VALUE + " seeds per sweep");
            }
            return new Range(first, last);
        }

        private static long number(String s, String whole) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("--seeds " + Text.excerpt(whole) + ": expected FIRST..LAST (such as 1..100000) or one seed");
            }
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seeds " + Text.excerpt(whole) + ": '" + Text.excerpt(s)
                        + "' is not a whole number; expected FIRST..LAST (such as 1..100000)");
            }
            if (v < 0) {
                throw new IllegalArgumentException("--seeds " + Text.excerpt(whole) + ": seeds are 0 or more, got " + v);
            }
            return v;
        }
    }

    /** A seed that missed an expectation: the first one it missed, in file order. */
    record Failure(long seed, ScenarioRunner.Check first) {
    }

    /** What a sweep found: how many seeds ran and passed, and every failure, by seed. */
    record Report(Range range, long passed, List<Failure> failures) {
        /** The failures grouped by the expectation each failed first, in file order of the expectation. */
        Map<String, List<Long>> byExpectation() {
            Map<String, List<Long>> m = new LinkedHashMap<>();
            failures.stream().sorted(Comparator.comparing((Failure f) -> f.first().path()).thenComparingLong(Failure::seed))
                    .forEach(f -> m.computeIfAbsent(f.first().path() + "  " + f.first().description(), k -> new ArrayList<>()).add(f.seed()));
            return m;
        }
    }

    /**
     * Runs {@code s} once per seed of {@code range} on {@code jobs} threads.
     * @param progress told the number of seeds finished so far, from any thread
     * @throws IllegalStateException when a seed's run throws: the seed and the cause
     */
    static Report run(Scenario s, Range range, int jobs, ScenarioRunner.Budget budget, LongConsumer progress) {
        // Build once before anything runs: a bad program is one error (exit 2), not one per seed. Each seed then builds
        // its machines from what this build kept (ScenarioRunner.Prepared): no reading, assembling or checking per seed.
        ScenarioRunner.Prepared prepared = ScenarioRunner.prepare(s);
        long count = range.count();
        int threads = (int) Math.max(1, Math.min(jobs, (count + CHUNK - 1) / CHUNK));
        AtomicLong next = new AtomicLong();
        LongAdder passed = new LongAdder();
        LongAdder done = new LongAdder();
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hcsim-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndAdd(CHUNK); i < count; i = next.getAndAdd(CHUNK)) {
                        for (long k = i; k < Math.min(count, i + CHUNK); k++) {
                            long seed = range.first() + k;
                            ScenarioRunner.Check bad = ScenarioRunner.firstFailure(s, prepared.build(seed), budget);
                            if (bad == null) {
                                passed.increment();
                            } else {
                                failures.add(new Failure(seed, bad));
                            }
                            done.increment();
                        }
                        progress.accept(done.sum());
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } catch (ExecutionException e) {
            next.set(Long.MAX_VALUE / 2); // the other workers stop after their chunk
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted");
        } finally {
            pool.shutdownNow();
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort(Comparator.comparingLong(Failure::seed));
        return new Report(range, passed.sum(), List.copyOf(sorted));
    }

    /** One seed's run: fresh machines, the scenario's seed replaced, every event to {@code tap}, none kept. */
    static ScenarioRunner.Result runOne(Scenario s, long seed, ScenarioRunner.Budget budget, TraceSink tap) {
        Scenario seeded = s.withSeed(seed);
        return ScenarioRunner.run(seeded, ScenarioRunner.build(seeded), budget, 0, tap);
    }

    /** {@code 1, 4..7, 9}: a sorted list of seeds with runs of consecutive ones shortened. */
    static String ranges(List<Long> seeds) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < seeds.size();) {
            int j = i;
            while (j + 1 < seeds.size() && seeds.get(j + 1) == seeds.get(j) + 1) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(seeds.get(i));
            if (j > i) {
                sb.append(j == i + 1 ? ", " : "..").append(seeds.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
