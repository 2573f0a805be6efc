package dev.hcsim.conformance;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.Vm;
import dev.hcsim.core.sched.SingleCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One kernel-derived case: a call and what the kernel answers, with the kernel file and function
 * (or selftest) it comes from. Loaded from the kit's data files by {@link GoldenCases}.
 *
 * @param architecture   canonical architecture name
 * @param name           what the case shows
 * @param source         the kernel source (file and function) the answer comes from
 * @param options        VM options
 * @param features       VM features switched on (true) or off (false)
 * @param vcpus          vCPUs in the VM
 * @param off            vCPUs powered off (the others but vCPU 0, the caller, are halted)
 * @param insn           the trap instruction as assembly or hex, or null for the native one
 * @param registers      the caller's registers by ABI name
 * @param memory         guest memory to preload
 * @param outcome        the expected outcome
 * @param status         the expected neutral status, or null when not stated (checked on hcsim only)
 * @param expectRegisters registers whose value after the call is stated
 * @param pcAdvance      how far the PC moves, or null when not stated
 * @param expectMemory   guest memory whose content after the call is stated
 * @param expectEffects  the effects on other vCPUs in order ({@code "kick vcpu1"}), or null when not stated
 */
public record GoldenCase(String architecture, String name, String source, Map<String, String> options, Map<String, Boolean> features, int vcpus, java.util.Set<Integer> off, String insn,
        Map<String, Long> registers, Map<Long, byte[]> memory, Outcome outcome, Status status, Map<String, Long> expectRegisters,
        Long pcAdvance, Map<Long, byte[]> expectMemory, List<String> expectEffects) {

    /**
     * Copies the collections, so that a case cannot change after it was loaded.
     * @param architecture canonical architecture name
     * @param name what the case shows
     * @param source the kernel source (file and function) the answer comes from
     * @param options VM options
     * @param features VM features switched on (true) or off (false)
     * @param vcpus vCPUs in the VM
     * @param off vCPUs powered off (the others but vCPU 0, the caller, are halted)
     * @param insn the trap instruction as assembly or hex, or null for the native one
     * @param registers the caller's registers by ABI name
     * @param memory guest memory to preload
     * @param outcome the expected outcome
     * @param status the expected neutral status, or null when not stated (checked on hcsim only)
     * @param expectRegisters registers whose value after the call is stated
     * @param pcAdvance how far the PC moves, or null when not stated
     * @param expectMemory guest memory whose content after the call is stated
     * @param expectEffects the effects on other vCPUs in order ({@code "kick vcpu1"}), or null when not stated
     */
    public GoldenCase {
        options = Map.copyOf(options);
        features = Map.copyOf(features);
        off = java.util.Set.copyOf(off);
        registers = Map.copyOf(registers);
        memory = Map.copyOf(memory);
        expectRegisters = Map.copyOf(expectRegisters);
        expectMemory = Map.copyOf(expectMemory);
        expectEffects = expectEffects == null ? null : List.copyOf(expectEffects);
    }

    /**
     * The call as an {@link Invocation} (on vCPU 0).
     * @return the call, with the trap instruction assembled (or decoded from hex)
     */
    public Invocation invocation() {
        Invocation base = new Invocation(architecture, options, features, vcpus, 0, off, 0, new byte[0], registers, memory);
        return base.withTrap(SingleCall.instructionBytes(Vm.create(base.config()), insn));
    }

    /**
     * Checks {@code handler} against the case: empty when it answers as stated, else one report.
     * @param handler the handler under test
     * @return the report (the case, its source and what differed), or empty
     */
    public String check(TrapHandler handler) {
        Invocation inv = invocation();
        Observation got = Calls.run(inv, handler);
        List<String> problems = compare(got, null);
        if (got.error() == null) {
            // The case states the registers; the exit payload and the fault must be hcsim's, field for field.
            Differential.exitAndFault(Calls.oracle(inv).observed(), got, problems);
        }
        return report(inv, problems);
    }

    /**
     * Checks hcsim's own model, including the neutral status.
     * @return the report, or empty when hcsim answers as stated
     */
    public String checkHcsim() {
        Invocation inv = invocation();
        OracleRun r = Calls.oracle(inv);
        return report(inv, compare(r.observed(), r));
    }

    private String report(Invocation inv, List<String> problems) {
        if (problems.isEmpty()) {
            return "";
        }
        return architecture + " golden case '" + name + "' (" + source + "):" + ConformanceKit.report(inv, problems);
    }

    private List<String> compare(Observation o, OracleRun oracle) {
        List<String> out = new ArrayList<>();
        if (o.error() != null) {
            out.add("the handler threw " + o.error());
            return out;
        }
        if (o.outcome() != outcome) {
            out.add("outcome: expected " + outcome + ", got " + o.outcome());
        }
        if (oracle != null && status != null && oracle.status() != status) {
            out.add("status: expected " + status + ", got " + oracle.status());
        }
        for (Map.Entry<String, Long> e : expectRegisters.entrySet()) {
            long got = o.after().get(o.after().layout().require(e.getKey()));
            if (got != e.getValue()) {
                out.add(e.getKey() + ": expected " + Bytes.hex64(e.getValue()) + ", got " + Bytes.hex64(got));
            }
        }
        if (pcAdvance != null && o.after().pc() - o.before().pc() != pcAdvance) {
            out.add("pc: expected to move by " + pcAdvance + ", moved by " + (o.after().pc() - o.before().pc()));
        }
        for (Map.Entry<Long, byte[]> e : expectMemory.entrySet()) {
            byte[] got = new byte[e.getValue().length];
            if (!o.memory().read(e.getKey(), got, 0, got.length) || !java.util.Arrays.equals(got, e.getValue())) {
                out.add(String.format(Locale.ROOT, "memory 0x%x: expected %s, got %s", e.getKey(), Bytes.hex(e.getValue()), Bytes.hex(got)));
            }
        }
        if (expectEffects != null) {
            List<String> got = o.effects().stream().map(Object::toString).toList();
            if (!got.equals(expectEffects)) {
                out.add("effects: expected " + expectEffects + ", got " + got);
            }
        }
        return out;
    }
}
