package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * The seeded random numbers of the scheduler and of the guest-visible random sources (an architecture's
 * firmware random-number calls): the algorithm of the JDK's {@code java.util.SplittableRandom} (SplitMix64, Steele, Lea
 * and Flood, OOPSLA 2014), written out so that a seed gives the same numbers wherever hcsim's code runs,
 * including runtimes whose class library has no {@code SplittableRandom} (the Explorer page compiled to
 * JavaScript). {@code SeededRandomTest} checks it against the JDK's class for every seed and bound it draws.
 * Not thread-safe, like the JDK's class: callers that share one lock it.
 */
@API(status = INTERNAL, since = "1.0")
public final class SeededRandom {
    /** SplittableRandom.GOLDEN_GAMMA: the odd increment of the seed. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long seed;

    /**
     * The generator {@code new java.util.SplittableRandom(seed)} is.
     * @param seed the initial seed
     */
    public SeededRandom(long seed) {
        this.seed = seed;
    }

    /**
     * The next 64 random bits, as {@code SplittableRandom.nextLong()}.
     * @return the value
     */
    public long nextLong() {
        return mix64(nextSeed());
    }

    /**
     * The next 32 random bits, as {@code SplittableRandom.nextInt()}.
     * @return the value
     */
    public int nextInt() {
        return mix32(nextSeed());
    }

    /**
     * A value in {@code [0, bound)}, as {@code SplittableRandom.nextInt(bound)} (the JDK's
     * {@code RandomSupport.boundedNextInt}: a mask for powers of two, else rejection of the biased top range).
     * @param bound the exclusive upper bound, positive
     * @return the value
     * @throws IllegalArgumentException when {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        int r = nextInt();
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        int u = r >>> 1;
        while (u + m - (r = u % bound) < 0) {
            u = nextInt() >>> 1;
        }
        return r;
    }

    private long nextSeed() {
        seed += GOLDEN_GAMMA;
        return seed;
    }

    /** SplittableRandom.mix64: Stafford's variant 13 of MurmurHash3's finalizer. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** SplittableRandom.mix32: Stafford's variant 4, the upper 32 bits. */
    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }
}
