package dev.hcsim.arch.mips;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: one MIPS trap on a fresh VM (the instruction sits at 0x1000). */
final class MipsCalls {
    /** -KVM_ENOSYS as KVM writes it into a 64-bit unsigned long v0. */
    static final long ENOSYS = 0xFFFF_FFFF_FFFF_FC18L;
    static final long P = 0x1000;

    private MipsCalls() {
    }

    static VmConfig.Builder vm() {
        return VmConfig.builder("mips").vcpus(2);
    }

    static Map<String, Long> regs(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    static SingleCall.Result call(VmConfig.Builder vm, String insn, Object... kv) {
        return SingleCall.run(vm.build(), 0, insn, regs(kv), Map.of());
    }

    static SingleCall.Result call(Object... kv) {
        return call(vm(), null, kv);
    }

    static long v0(SingleCall.Result r) {
        return r.after().get(MipsRegisters.V0);
    }
}
