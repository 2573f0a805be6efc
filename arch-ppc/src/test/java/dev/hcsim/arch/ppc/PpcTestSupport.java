package dev.hcsim.arch.ppc;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the PowerPC tests. */
final class PpcTestSupport {
    static final long MAGIC = 0x4B56_4D21L;

    private PpcTestSupport() {
    }

    static VmConfig.Builder config(String... options) {
        VmConfig.Builder b = VmConfig.builder("ppc");
        for (int i = 0; i + 1 < options.length; i += 2) {
            b.option(options[i], options[i + 1]);
        }
        return b;
    }

    static Map<String, Long> regs(Object... nameValue) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            m.put((String) nameValue[i], ((Number) nameValue[i + 1]).longValue());
        }
        return m;
    }

    static SingleCall.Result call(VmConfig config, String insn, Map<String, Long> regs) {
        return SingleCall.run(config, 0, insn, regs, Map.of());
    }
}
