package dev.hcsim.conformance;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.engine.Engine;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The ABI stated once over the contract data, checked on one run of hcsim's model. Each check
 * returns the violations it found, one line each (empty: the property holds).
 *
 * <p>Where an outcome legitimately writes more than the result registers the statement says so:
 * an exit to the host writes nothing until the host re-enters ({@link Outcome#EXIT_TO_HOST}); a
 * fault or a guest system call changes no general register and leaves the PC to the injection;
 * control registers (privilege, mode, PSW, MSR) are left out because delivering an interruption is
 * the architecture's business (the contract's PC rule).
 */
public final class AbiProperties {
    /** Outcomes after which the contract's results and the PC have been written. */
    private static final Set<Outcome> COMPLETED = EnumSet.of(Outcome.RESUME, Outcome.HALT, Outcome.YIELD, Outcome.STOP);

    private AbiProperties() {
    }

    /**
     * Every fault and every exit is one the contract lists ({@link TrapContract#produces()}, what {@code hcsim explain}
     * prints): same outcome, same kind; and an outcome that needs one has one (an exit to the host carries its
     * payload, FAULT and INTERRUPTED carry the fault).
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> listedFaultsAndExits(OracleRun r) {
        Observation o = r.observed();
        if (o.error() != null || o.outcome() == null) {
            return neverThrows(r);
        }
        boolean needs = o.outcome() == Outcome.EXIT_TO_HOST || o.outcome() == Outcome.FAULT || o.outcome() == Outcome.INTERRUPTED;
        if (needs && o.exit() == null && o.fault() == null) {
            return List.of(o.outcome() + " without its " + (o.outcome() == Outcome.EXIT_TO_HOST ? "exit" : "fault"));
        }
        if (o.exit() == null && o.fault() == null && o.outcome() != Outcome.NOT_A_HYPERCALL) {
            return List.of();
        }
        if (r.contract().listing(o.outcome(), o.exit(), o.fault()).isEmpty()) {
            return List.of(o.outcome() + " " + (o.exit() != null ? o.exit().kind() : o.fault() != null ? o.fault().kind() : "without a fault")
                    + " is not listed by the contract (hcsim explain --arch " + r.vm().architecture().name() + ")");
        }
        return List.of();
    }

    /**
     * No exception escapes the trap path, whatever the input.
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> neverThrows(OracleRun r) {
        return r.observed().error() == null ? List.of() : List.of("an exception escaped: " + r.observed().error());
    }

    /**
     * Only the contract's result registers change: every general register that is not a result
     * keeps its value, and after a fault on the trap itself or a guest system call no general register
     * changes (a fault that resumes past the trap follows a completed call and keeps its results). An exit
     * to the host may preload results before it leaves, as the kernel does (arm64 PSCI SYSTEM_OFF and
     * SYSTEM_RESET put PSCI_RET_INTERNAL_FAILURE in x0 before the exit, arch/arm64/kvm/psci.c
     * kvm_psci_0_2_call), so results may change there too. A trap the contract did not dispatch but
     * the architecture completed by its own rule (s390 SIGP) is outside this property.
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> onlyResultsChange(OracleRun r) {
        List<String> out = new ArrayList<>(neverThrows(r));
        if (!out.isEmpty()) {
            return out;
        }
        TrapContract c = r.contract();
        RegisterLayout layout = c.layout();
        Outcome o = r.observed().outcome();
        if (!r.dispatched() && COMPLETED.contains(o)) {
            // Not a hypercall of the contract but an instruction the architecture emulates by its own register
            // rule, named in the contract's trap instructions and notes (s390 SIGP stores status in R1, STSI;
            // arch/s390/kvm/sigp.c kvm_s390_handle_sigp): the contract's result set does not describe it.
            return out;
        }
        // A fault that resumes past the trap is a trap-class exception after a completed call (x86 single-step
        // #DB with RFLAGS.TF, x86.c kvm_skip_emulated_instruction): the call's results stand.
        boolean completedThenFault = o == Outcome.FAULT && r.trap().nextPc() != r.observed().before().pc();
        boolean resultsMayChange = (o != Outcome.FAULT && o != Outcome.NOT_A_HYPERCALL && o != Outcome.INTERRUPTED) || completedThenFault;
        for (int i : layout.generalIndices()) {
            if (r.before(i) != r.after(i) && !(resultsMayChange && c.isResult(i))) {
                out.add(layout.name(i) + " changed (" + Bytes.hex64(r.before(i)) + " -> " + Bytes.hex64(r.after(i)) + ") with outcome "
                        + r.observed().outcome() + "; results are " + c.names(c.resultRegisters()));
            }
        }
        return out;
    }

    /**
     * The PC: after a completed call it is the result's {@code nextPc}; after an exit to the host it is
     * where KVM leaves it when it returns to user space: still on the trap, or already at {@code nextPc}
     * where the architecture moved it first (a PowerPC sc is a system call interrupt that has already
     * passed the instruction; arm64 HVC likewise), never anywhere else.
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> pcRule(OracleRun r) {
        if (r.trap() == null) {
            return neverThrows(r);
        }
        long pc = r.observed().after().pc();
        Outcome o = r.observed().outcome();
        if (COMPLETED.contains(o) && pc != r.trap().nextPc()) {
            return List.of("PC is " + Bytes.hex64(pc) + ", the result says next PC " + Bytes.hex64(r.trap().nextPc()));
        }
        if (o == Outcome.EXIT_TO_HOST && pc != r.observed().before().pc() && pc != r.trap().nextPc()) {
            return List.of("an exit to the host moved the PC to " + Bytes.hex64(pc) + ", neither the trap nor the result's next PC "
                    + Bytes.hex64(r.trap().nextPc()));
        }
        return List.of();
    }

    /**
     * Every status is one the architecture documents: the codec that encoded it documents it, a
     * documented call returns only the statuses its spec lists (or not-implemented when the VM does
     * not offer it), and a failing status of a completed call is in result register 0 as the codec encodes it.
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> documentedStatus(OracleRun r) {
        Status s = r.status();
        if (s == null) {
            return neverThrows(r);
        }
        List<String> out = new ArrayList<>();
        if (!r.codec().documents(s)) {
            out.add(s + " is not documented by " + r.codec().family());
        }
        if (r.spec() != null && !s.equals(Status.NOT_IMPLEMENTED) && !r.spec().statuses().contains(s)) {
            out.add(r.spec().name() + " returned " + s + ", its spec lists " + r.spec().statuses());
        }
        TrapContract c = r.contract();
        if (COMPLETED.contains(r.observed().outcome()) && s != Status.SUCCESS && r.dispatched() && r.codec().documents(s)) {
            long expected = r.codec().encode(s);
            if (r.trap().narrow() && c.narrowTruncatesResults()) {
                expected &= 0xFFFF_FFFFL;
            }
            long got = r.after(c.resultRegister(0));
            if (got != expected) {
                out.add("status " + s + " should read " + Bytes.hex64(expected) + " (" + r.codec().name(s) + ") in "
                        + c.layout().name(c.resultRegister(0)) + ", got " + Bytes.hex64(got));
            }
        }
        return out;
    }

    /**
     * A number the hypercall table does not know, once dispatched, is answered not-implemented, unless
     * the privilege rule answers first (an unprivileged caller gets the rule's status for every number).
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> unknownNumbers(OracleRun r) {
        if (!r.dispatched() || Engine.context(r.vm()).hypercalls().lookup(r.trap().number()) != null || r.status() == null) {
            return neverThrows(r);
        }
        boolean privilegeFirst = Providers.privilegeRules(r.vm().architecture().name()).stream().anyMatch(p -> p.status() == r.status());
        if (r.status() != Status.NOT_IMPLEMENTED && !privilegeFirst) {
            return List.of("unknown number 0x" + Long.toHexString(r.trap().number()) + " answered " + r.status()
                    + (r.trap().callName() == null ? "" : " as " + r.trap().callName()));
        }
        return List.of();
    }

    /**
     * Narrow (32-bit) results: when the contract cuts results in narrow mode, every result register a
     * completed narrow call wrote holds a zero-extended 32-bit value.
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> narrowResults(OracleRun r) {
        if (r.trap() == null || !r.trap().narrow() || !r.contract().narrowTruncatesResults() || !COMPLETED.contains(r.observed().outcome())) {
            return neverThrows(r);
        }
        List<String> out = new ArrayList<>();
        TrapContract c = r.contract();
        for (int i : c.resultRegisters()) {
            if (r.before(i) != r.after(i) && (r.after(i) >>> 32) != 0) {
                out.add("narrow call wrote " + Bytes.hex64(r.after(i)) + " to " + c.layout().name(i) + ", wider than 32 bits");
            }
        }
        return out;
    }

    /**
     * Every memory access that was answered lies inside the VM's memory.
     * @param r the case as run on hcsim
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> memoryInside(OracleRun r) {
        return r.observed().accesses().stream().filter(a -> a.ok())
                .filter(a -> r.invocation().regions().stream().noneMatch(g -> g.contains(a.gpa(), a.length())))
                .map(a -> a + " is outside guest memory").toList();
    }
}
