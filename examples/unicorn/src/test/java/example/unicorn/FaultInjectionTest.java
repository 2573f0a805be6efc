package example.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.Assembler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trap hcsim answers with FAULT is injected into the guest on Unicorn as KVM injects it (arm64 inject_undef64):
 * the guest's EL1 vector runs with the syndrome and the faulting address in ESR_EL1 and ELR_EL1; a guest with no
 * vectors is stopped with the fault's name, as hcsim's own machine stops it.
 */
class FaultInjectionTest {
    private static final int UC_ARM64_REG_VBAR_EL1 = 287;

    @BeforeAll
    static void unicorn() {
        assumeTrue(Unicorn.available(), Unicorn.unavailableReason());
    }

    private static UnicornVm guest(long vbar) {
        Vm vm = Vm.create(VmConfig.builder("arm64").build());
        UnicornVm u = new UnicornVm(vm, 100);
        byte[] code = Assembler.assemble(vm.codec(), "nop\n.4byte 0          // UDF #0: not HVC or SMC\nwfi\n", 0x1000).bytes();
        u.memory().write(0x1000, code, 0, code.length);
        // the handler: mrs x5, esr_el1; mrs x6, elr_el1; wfi
        byte[] handler = Assembler.assemble(vm.codec(), ".4byte 0xd5385205\n.4byte 0xd5384026\nwfi\n", 0x4200).bytes();
        u.memory().write(0x4200, handler, 0, handler.length);
        u.registers(0).engine().reg(UC_ARM64_REG_VBAR_EL1, vbar);
        u.registers(0).pc(0x1000);
        return u;
    }

    @Test
    void anUndefinedInstructionIsTakenToTheGuestsEl1VectorWithItsSyndrome() {
        try (UnicornVm u = guest(0x4000)) {
            u.run(10);
            assertTrue(u.log().stream().anyMatch(l -> l.startsWith("vcpu0 fault injected")), u.log().toString());
            int x5 = u.vm().architecture().registers().require("x5");
            int x6 = u.vm().architecture().registers().require("x6");
            assertEquals(0x0200_0000L, u.registers(0).get(x5), "ESR_EL1: EC 0 (unknown), IL 1");
            assertEquals(0x1004L, u.registers(0).get(x6), "ELR_EL1: the UDF");
            assertEquals(0x420cL, u.registers(0).pc(), "past the handler's wfi");
            assertEquals(VcpuState.HALTED, u.state(0));
        }
    }

    @Test
    void withoutVectorsTheVcpuStopsWithTheFaultsName() {
        try (UnicornVm u = guest(0)) {
            u.run(10);
            assertEquals(VcpuState.STOPPED, u.state(0));
            assertTrue(u.stopReason(0).contains("Undefined Instruction") && u.stopReason(0).contains("0x1004"), u.stopReason(0));
        }
    }
}
