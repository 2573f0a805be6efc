package dev.hcsim.arch.x86;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: one x86 hypercall on a fresh VM. */
final class X86Calls {
    private X86Calls() {
    }

    static VmConfig.Builder vm(int vcpus) {
        return VmConfig.builder("x86").vcpus(vcpus);
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
        return call(vm(4), null, kv);
    }

    static long rax(SingleCall.Result r) {
        return r.after().get(X86Registers.RAX);
    }
}
