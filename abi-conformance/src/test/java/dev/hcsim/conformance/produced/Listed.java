package dev.hcsim.conformance.produced;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Hcsim;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Drives the faults and exits one architecture's contract lists ({@link TrapContract#produces()}, what
 * {@code hcsim explain} prints): each call names the entry it means by a piece of its condition, and must come out
 * with one of that entry's outcomes and its kind. {@link #assertEveryEntryDriven()} then checks that no listed entry
 * (and no outcome of one) went undriven, so the list and the tests cannot drift apart.
 */
final class Listed {
    private final String arch;
    private final List<TrapContract.Produced> entries;
    private final TreeSet<String> driven = new TreeSet<>();

    Listed(String arch) {
        this.arch = arch;
        this.entries = Hcsim.architecture(arch).contract().produces();
    }

    /** A VM of this architecture: {@code settings} are "+feature", "-feature", "vcpus=N" or "option=value". */
    VmConfig config(String... settings) {
        VmConfig.Builder b = VmConfig.builder(arch);
        for (String s : settings) {
            if (s.startsWith("+") || s.startsWith("-")) {
                b.feature(s.substring(1), s.startsWith("+"));
                continue;
            }
            String[] kv = s.split("=", 2);
            if (kv[0].equals("vcpus")) {
                b.vcpus(Integer.parseInt(kv[1]));
            } else {
                b.option(kv[0], kv[1]);
            }
        }
        return b.build();
    }

    /** Register values by ABI name, from name/value pairs. */
    static Map<String, Long> regs(Object... nameValue) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], ((Number) nameValue[i + 1]).longValue());
        }
        return m;
    }

    /** One call as {@code hcsim call} makes it (instruction at the default entry, other vCPUs halted). */
    SingleCall.Result call(String condition, VmConfig config, String insn, Map<String, Long> registers) {
        return call(condition, config, insn, registers, Map.of());
    }

    /** The same with guest memory preloaded. */
    SingleCall.Result call(String condition, VmConfig config, String insn, Map<String, Long> registers, Map<Long, byte[]> memory) {
        SingleCall.Result r = SingleCall.run(config, 0, insn, registers, memory);
        drove(condition, r.outcome(), r.exit(), r.fault());
        return r;
    }

    /** A trap at {@code pc} with nothing readable there (the default memory is 64 KiB at 0). */
    TrapResult fetchOutside(String condition, VmConfig config, long pc, Map<String, Long> registers) {
        Vm vm = Vm.create(config);
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        registers.forEach((n, v) -> regs.set(regs.layout().require(n), v));
        regs.pc(pc);
        TrapResult r = vm.trap(0, regs, new SparseMemory(config.memory()), null);
        drove(condition, r.outcome(), r.exit(), r.fault());
        return r;
    }

    /** The trap instruction {@code insn} at {@code pc} in guest memory nobody can write (a region-less memory; the bytes are given). */
    TrapResult fetchOutsideWritable(String condition, VmConfig config, long pc, byte[] insn) {
        Vm vm = Vm.create(config);
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        regs.pc(pc);
        TrapResult r = vm.trap(0, regs, new SparseMemory(List.of()), null, insn);
        drove(condition, r.outcome(), r.exit(), r.fault());
        return r;
    }

    /**
     * The next KVM_RUN after {@code r}'s exit, with the host's answer filled in ({@link Vm#completeExit}): the registers
     * (and {@code pc}) it changes, by name.
     */
    static Map<String, Long> reenter(SingleCall.Result r, Exit answer) {
        RegisterFile regs = r.machine().registers(0);
        RegisterFile before = new RegisterFile(regs.layout());
        before.copyFrom(regs);
        r.vm().completeExit(0, regs, r.machine().memory(), answer);
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < regs.layout().size(); i++) {
            if (before.get(i) != regs.get(i)) {
                out.put(regs.layout().name(i), regs.get(i));
            }
        }
        if (before.pc() != regs.pc()) {
            out.put("pc", regs.pc());
        }
        return out;
    }

    /** Records that the entry whose condition contains {@code condition} was driven, after checking outcome and kind. */
    void drove(String condition, Outcome outcome, Exit exit, Fault fault) {
        List<Integer> match = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).condition().contains(condition)) {
                match.add(i);
            }
        }
        assertEquals(1, match.size(), arch + ": exactly one listed entry's condition contains '" + condition + "'");
        TrapContract.Produced p = entries.get(match.get(0));
        String kind = exit != null ? exit.kind() : fault != null ? fault.kind() : TrapContract.Produced.NO_FAULT;
        assertTrue(p.outcomes().contains(outcome), arch + " '" + condition + "': outcome " + outcome + " is not " + p.outcomeNames());
        assertEquals(p.kind(), kind, arch + " '" + condition + "': the kind");
        driven.add(match.get(0) + " " + outcome);
    }

    /** Every listed entry was driven with every outcome it lists. */
    void assertEveryEntryDriven() {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            for (Outcome o : entries.get(i).outcomes()) {
                if (!driven.contains(i + " " + o)) {
                    missing.add(o + " " + entries.get(i).kind() + " (" + entries.get(i).condition() + ")");
                }
            }
        }
        assertEquals(List.of(), missing, arch + ": listed but never driven");
    }
}
