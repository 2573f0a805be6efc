package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Hcsim;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.Test;

/** The kit generates the other ABIs' calls too (x86 Hyper-V): hcsim agrees with itself, a planted bug is caught. */
class OtherAbiConformanceTest {
    /**
     * Answers every Hyper-V HV_STATUS_INVALID_HYPERCALL_INPUT (3) with HV_STATUS_INVALID_PARAMETER (5): a mix-up of the
     * two "invalid" codes of include/asm-generic/hyperv-tlfs.h.
     */
    static final class WrongHvStatus implements TrapHandler {
        @Override
        public Answer trap(VmConfig vm, int vcpu, byte[] insn, RegisterAccess regs, GuestMemory mem, VcpuControl control) {
            Answer o = TrapHandler.hcsim().trap(vm, vcpu, insn, regs, mem, control);
            int rax = Hcsim.architecture("x86").registers().require("rax");
            if (vm.featuresOn().contains("hyperv") && o.outcome() == Outcome.RESUME && regs.get(rax) == 3) {
                regs.set(rax, 5);
            }
            return o;
        }
    }

    @Test
    void hcsimAgreesWithItselfOnHypervCalls() {
        ConformanceKit.of(TrapHandler.hcsim(), 300).differentialOtherAbis("x86");
    }

    @Test
    void aMixedUpHypervStatusIsCaught() {
        AssertionError e = assertThrows(AssertionError.class, () -> ConformanceKit.of(new WrongHvStatus(), 300).differentialOtherAbis("x86"));
        assertTrue(e.getMessage().contains("--feature hyperv"), e.getMessage());
    }

    @Test
    void anArchitectureWithoutAnotherAbiHasNothingToCheck() {
        ConformanceKit.of(new WrongHvStatus(), 10).differentialOtherAbis("arm64");
    }
}
