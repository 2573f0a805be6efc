package dev.hcsim.core.sched;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many times each interrupt vector was delivered to one vCPU, without boxing: the vectors a
 * vCPU sees are few, so they sit sorted in a small array and a delivery of a known vector is a
 * binary search and an increment (an IPI storm allocates nothing). Not thread-safe.
 */
final class VectorCounts {
    private int[] vectors = new int[4];
    private int[] counts = new int[4];
    private int size;

    /** Counts one delivery of {@code vector}. */
    void add(int vector) {
        int i = Arrays.binarySearch(vectors, 0, size, vector);
        if (i >= 0) {
            counts[i]++;
            return;
        }
        int at = -i - 1;
        if (size == vectors.length) {
            vectors = Arrays.copyOf(vectors, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        System.arraycopy(vectors, at, vectors, at + 1, size - at);
        System.arraycopy(counts, at, counts, at + 1, size - at);
        vectors[at] = vector;
        counts[at] = 1;
        size++;
    }

    /** Vector to count, in vector order (a snapshot). */
    Map<Integer, Integer> toMap() {
        TreeMap<Integer, Integer> out = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            out.put(vectors[i], counts[i]);
        }
        return Collections.unmodifiableMap(out);
    }
}
