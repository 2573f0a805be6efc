package dev.hcsim.conformance;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.RegisterLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares what a handler did with what hcsim's model did for the same {@link Invocation}: the
 * outcome, the exit payload and the fault (the typed records, compared whole), every register and the PC, the guest memory either side wrote, and the effects on other
 * vCPUs. hcsim is the oracle; each difference is one line naming what differs.
 */
public final class Differential {
    private Differential() {
    }

    /**
     * Runs {@code inv} on hcsim and on {@code handler} and lists how they disagree (empty when they
     * agree).
     * @param inv the call to run on both
     * @param handler the handler compared with hcsim
     * @return the disagreements, one line each
     */
    public static List<String> disagreements(Invocation inv, TrapHandler handler) {
        return compare(Calls.oracle(inv).observed(), Calls.run(inv, handler));
    }

    /**
     * The exit payload and the fault, compared whole (every field of the typed record: an exit's number, arguments,
     * preset return value and flags; a fault's vector or class, codes, address and PC).
     */
    static void exitAndFault(Observation expected, Observation actual, List<String> out) {
        if (!Objects.equals(expected.exit(), actual.exit())) {
            out.add("exit: expected " + expected.exit() + ", got " + actual.exit());
        }
        if (!Objects.equals(expected.fault(), actual.fault())) {
            out.add("fault: expected " + expected.fault() + ", got " + actual.fault());
        }
    }

    /** How {@code actual} differs from {@code expected}, one line per difference. */
    static List<String> compare(Observation expected, Observation actual) {
        List<String> out = new ArrayList<>();
        if (actual.error() != null) {
            out.add("the handler threw " + actual.error());
            return out;
        }
        if (!Objects.equals(expected.outcome(), actual.outcome())) {
            out.add("outcome: expected " + expected.outcome() + ", got " + actual.outcome());
        }
        exitAndFault(expected, actual, out);
        RegisterLayout layout = expected.after().layout();
        for (int i = 0; i < layout.size(); i++) {
            if (expected.after().get(i) != actual.after().get(i)) {
                out.add(layout.name(i) + ": expected " + Bytes.hex64(expected.after().get(i)) + ", got " + Bytes.hex64(actual.after().get(i)));
            }
        }
        if (expected.after().pc() != actual.after().pc()) {
            out.add("pc: expected " + Bytes.hex64(expected.after().pc()) + ", got " + Bytes.hex64(actual.after().pc()));
        }
        TreeSet<Long> written = new TreeSet<>();
        for (Observation o : List.of(expected, actual)) {
            for (GuestAccess a : o.writes()) {
                for (long g = a.gpa(); g < a.gpa() + a.length(); g++) {
                    written.add(g);
                }
            }
        }
        byte[] e = new byte[1];
        byte[] g = new byte[1];
        for (long gpa : written) {
            expected.memory().read(gpa, e, 0, 1);
            actual.memory().read(gpa, g, 0, 1);
            if (e[0] != g[0]) {
                out.add(String.format(Locale.ROOT, "memory 0x%x: expected %02x, got %02x", gpa, e[0] & 0xFF, g[0] & 0xFF));
                if (out.size() > 24) {
                    out.add("...");
                    return out;
                }
            }
        }
        if (!expected.effects().equals(actual.effects())) {
            out.add("effects: expected " + expected.effects() + ", got " + actual.effects());
        }
        return out;
    }
}
