package dev.hcsim.core.sched;

import java.util.Arrays;

/** A FIFO of vCPU indices without boxing, with removal of a given element (directed yield). */
final class IntQueue {
    private int[] items = new int[16];
    private int head;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addLast(int v) {
        grow();
        items[(head + size) % items.length] = v;
        size++;
    }

    void addFirst(int v) {
        grow();
        head = (head - 1 + items.length) % items.length;
        items[head] = v;
        size++;
    }

    int pollFirst() {
        int v = items[head];
        head = (head + 1) % items.length;
        size--;
        return v;
    }

    boolean remove(int v) {
        for (int i = 0; i < size; i++) {
            if (items[(head + i) % items.length] == v) {
                for (int j = i; j < size - 1; j++) {
                    items[(head + j) % items.length] = items[(head + j + 1) % items.length];
                }
                size--;
                return true;
            }
        }
        return false;
    }

    private void grow() {
        if (size == items.length) {
            int[] n = new int[items.length * 2];
            for (int i = 0; i < size; i++) {
                n[i] = items[(head + i) % items.length];
            }
            items = n;
            head = 0;
        }
    }

    int[] toArray() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = items[(head + i) % items.length];
        }
        return out;
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
