package dev.hcsim.core.sched;

import java.util.Arrays;

/**
 * The run queue: a FIFO of vCPU indices {@code 0..capacity-1}, each in it at most once, linked
 * through two index arrays. Every operation, including removal of a given vCPU (directed yield,
 * power-off, a system event), is O(1) and allocates nothing, so the scheduler's cost per event does
 * not grow with the number of vCPUs.
 */
final class IntQueue {
    private static final int NONE = -1;
    private final int[] next;
    private final int[] prev;
    private final boolean[] queued;
    private int head = NONE;
    private int tail = NONE;
    private int size;

    IntQueue(int capacity) {
        next = new int[capacity];
        prev = new int[capacity];
        queued = new boolean[capacity];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Appends {@code v}. A vCPU already queued keeps its place: it is never in the queue twice (a
     * second {@code run} that starts at tick 0, after one that ran no tick, queues the runnable vCPUs again).
     */
    void addLast(int v) {
        if (queued[v]) {
            return;
        }
        queued[v] = true;
        next[v] = NONE;
        prev[v] = tail;
        if (tail == NONE) {
            head = v;
        } else {
            next[tail] = v;
        }
        tail = v;
        size++;
    }

    /** Removes and returns the first vCPU; the queue must not be empty. */
    int pollFirst() {
        int v = head;
        unlink(v);
        return v;
    }

    /** Removes {@code v} if it is queued; says whether it was. */
    boolean remove(int v) {
        if (v < 0 || v >= queued.length || !queued[v]) {
            return false;
        }
        unlink(v);
        return true;
    }

    private void unlink(int v) {
        int p = prev[v];
        int n = next[v];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
        queued[v] = false;
        size--;
    }

    int[] toArray() {
        int[] out = new int[size];
        int i = 0;
        for (int v = head; v != NONE; v = next[v]) {
            out[i++] = v;
        }
        return out;
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
